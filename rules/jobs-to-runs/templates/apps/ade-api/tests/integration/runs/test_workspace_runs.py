"""Integration coverage for the workspace-scoped runs listing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from httpx import AsyncClient

from ade_api.features.configs.models import Configuration, ConfigurationStatus
from ade_api.features.documents.models import Document
from ade_api.features.runs.models import Run, RunStatus
from ade_api.settings import get_settings
from ade_api.shared.core.time import utc_now
from ade_api.shared.db.mixins import generate_ulid
from ade_api.shared.db.session import get_sessionmaker
from tests.utils import login

pytestmark = pytest.mark.asyncio


async def _seed_runs(
    workspace_id: str,
    specs: list[tuple[RunStatus, bool]],
) -> tuple[list[str], str]:
    """Insert one configuration, one document and a run per ``(status, uses_document)``.

    Runs are created one minute apart in ``specs`` order (the last one is the newest).
    Returns the run ids in ``specs`` order and the document id.
    """

    session_factory = get_sessionmaker(settings=get_settings())
    async with session_factory() as session:
        config = Configuration(
            workspace_id=workspace_id,
            config_id=generate_ulid(),
            display_name="Listing Configuration",
            status=ConfigurationStatus.ACTIVE,
        )
        document = Document(
            id=generate_ulid(),
            workspace_id=workspace_id,
            original_filename="members.csv",
            content_type="text/csv",
            byte_size=0,
            sha256="0" * 64,
            stored_uri=f"documents/{generate_ulid()}",
            attributes={},
            expires_at=utc_now() + timedelta(days=30),
        )
        session.add_all([config, document])
        await session.flush()

        started = utc_now() - timedelta(hours=1)
        run_ids: list[str] = []
        for index, (run_status, uses_document) in enumerate(specs):
            run = Run(
                id=f"run_{uuid4().hex}",
                configuration_id=config.id,
                workspace_id=workspace_id,
                config_id=config.config_id,
                input_document_id=document.id if uses_document else None,
                status=run_status,
                created_at=started + timedelta(minutes=index),
            )
            session.add(run)
            run_ids.append(run.id)
        await session.commit()
        return run_ids, document.id


async def _list(client: AsyncClient, workspace_id: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/workspaces/{workspace_id}/runs", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_list_workspace_runs_paginates_newest_first(
    async_client: AsyncClient,
    seed_identity: dict[str, Any],
) -> None:
    workspace_id = seed_identity["workspace_id"]
    run_ids, _ = await _seed_runs(
        workspace_id,
        [(RunStatus.SUCCEEDED, False), (RunStatus.FAILED, False), (RunStatus.QUEUED, False)],
    )
    member = seed_identity["member"]
    await login(async_client, email=member["email"], password=member["password"])

    first = await _list(async_client, workspace_id, page_size=2)
    assert [item["id"] for item in first["items"]] == [run_ids[2], run_ids[1]]
    assert first["page"] == 1
    assert first["page_size"] == 2
    assert first["has_next"] is True
    assert first["has_previous"] is False
    assert first["total"] is None
    assert first["items"][0]["object"] == "ade.run"
    assert first["items"][0]["status"] == "queued"

    second = await _list(async_client, workspace_id, page=2, page_size=2, include_total=True)
    assert [item["id"] for item in second["items"]] == [run_ids[0]]
    assert second["has_next"] is False
    assert second["has_previous"] is True
    assert second["total"] == 3


async def test_list_workspace_runs_filters_status_and_document(
    async_client: AsyncClient,
    seed_identity: dict[str, Any],
) -> None:
    workspace_id = seed_identity["workspace_id"]
    run_ids, document_id = await _seed_runs(
        workspace_id,
        [
            (RunStatus.SUCCEEDED, True),
            (RunStatus.FAILED, True),
            (RunStatus.FAILED, False),
            (RunStatus.CANCELED, False),
        ],
    )
    owner = seed_identity["workspace_owner"]
    await login(async_client, email=owner["email"], password=owner["password"])

    failed = await _list(async_client, workspace_id, status="failed", include_total=True)
    assert [item["id"] for item in failed["items"]] == [run_ids[2], run_ids[1]]
    assert {item["status"] for item in failed["items"]} == {"failed"}
    assert failed["total"] == 2

    for_document = await _list(async_client, workspace_id, input_document_id=document_id)
    assert [item["id"] for item in for_document["items"]] == [run_ids[1], run_ids[0]]
    assert {item["input_document_id"] for item in for_document["items"]} == {document_id}

    both = await _list(
        async_client, workspace_id, status="succeeded", input_document_id=document_id
    )
    assert [item["id"] for item in both["items"]] == [run_ids[0]]

    canceled = await _list(async_client, workspace_id, status="canceled")
    assert [item["id"] for item in canceled["items"]] == [run_ids[3]]

    none_left = await _list(async_client, workspace_id, status="running")
    assert none_left["items"] == []
    assert none_left["has_next"] is False

    invalid = await async_client.get(
        f"/api/v1/workspaces/{workspace_id}/runs", params={"status": "finished"}
    )
    assert invalid.status_code == 422


async def test_list_workspace_runs_is_scoped_to_the_workspace(
    async_client: AsyncClient,
    seed_identity: dict[str, Any],
) -> None:
    workspace_id = seed_identity["workspace_id"]
    own_ids, _ = await _seed_runs(workspace_id, [(RunStatus.SUCCEEDED, False)])
    other_ids, _ = await _seed_runs(
        seed_identity["secondary_workspace_id"], [(RunStatus.SUCCEEDED, False)]
    )
    member = seed_identity["member"]
    await login(async_client, email=member["email"], password=member["password"])

    listing = await _list(async_client, workspace_id, include_total=True)
    ids = [item["id"] for item in listing["items"]]
    assert ids == own_ids
    assert other_ids[0] not in ids
    assert listing["total"] == 1


async def test_list_workspace_runs_requires_workspace_read_permission(
    async_client: AsyncClient,
    seed_identity: dict[str, Any],
) -> None:
    workspace_id = seed_identity["workspace_id"]
    await _seed_runs(workspace_id, [(RunStatus.SUCCEEDED, False)])

    anonymous = await async_client.get(f"/api/v1/workspaces/{workspace_id}/runs")
    assert anonymous.status_code == 401

    orphan = seed_identity["orphan"]
    await login(async_client, email=orphan["email"], password=orphan["password"])
    forbidden = await async_client.get(f"/api/v1/workspaces/{workspace_id}/runs")
    assert forbidden.status_code == 403


async def test_list_workspace_runs_rejects_out_of_range_pagination(
    async_client: AsyncClient,
    seed_identity: dict[str, Any],
) -> None:
    workspace_id = seed_identity["workspace_id"]
    member = seed_identity["member"]
    await login(async_client, email=member["email"], password=member["password"])

    for params in ({"page": 0}, {"page_size": 0}, {"page_size": 1000}):
        response = await async_client.get(
            f"/api/v1/workspaces/{workspace_id}/runs", params=params
        )
        assert response.status_code == 422, params
