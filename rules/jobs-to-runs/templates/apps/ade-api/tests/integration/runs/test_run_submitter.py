"""Runs record who submitted them and which attempt they are."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from tests.integration.runs.test_runs_router import (
    _auth_headers,
    _seed_configuration,
    _wait_for_completion,
)

pytestmark = pytest.mark.asyncio


async def test_created_run_records_its_submitter_and_first_attempt(
    async_client: AsyncClient,
    seed_identity: dict[str, Any],
    override_app_settings,
    tmp_path,
) -> None:
    settings = override_app_settings(safe_mode=True)
    config_id = await _seed_configuration(
        settings=settings,
        workspace_id=seed_identity["workspace_id"],
        tmp_path=tmp_path,
    )
    owner = seed_identity["workspace_owner"]
    headers = await _auth_headers(async_client, email=owner["email"], password=owner["password"])

    response = await async_client.post(
        f"/api/v1/configs/{config_id}/runs",
        headers=headers,
        json={"stream": False},
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["submitted_by_user_id"] == owner["id"]
    assert created["attempt"] == 1
    assert created["retry_of_run_id"] is None

    stored = await _wait_for_completion(async_client, created["id"])
    assert stored["submitted_by_user_id"] == owner["id"]
    assert stored["attempt"] == 1

    listing = await async_client.get(
        f"/api/v1/workspaces/{seed_identity['workspace_id']}/runs",
        params={"page_size": 100},
    )
    assert listing.status_code == 200, listing.text
    mine = [item for item in listing.json()["items"] if item["id"] == created["id"]]
    assert [item["submitted_by_user_id"] for item in mine] == [owner["id"]]
