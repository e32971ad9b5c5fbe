import { describe, expect, it, vi } from "vitest";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";

const GET = vi.fn();
vi.mock("@shared/api/client", () => ({ client: { GET: (...args: unknown[]) => GET(...args) } }));
vi.mock("@screens/Workspace/context/WorkspaceContext", () => ({
  useWorkspaceContext: () => ({ workspace: { id: "ws-1", name: "Acme" } }),
}));

import WorkspaceRunsRoute from "@screens/Workspace/sections/Runs";

const now = Math.floor(Date.now() / 1000);
function run(id: string, status: string, extra: Record<string, unknown> = {}) {
  return { id, object: "ade.run", config_id: "cfg-1", status, created: now - 60, ...extra };
}

describe("Runs section", () => {
  it("pages the workspace runs with page/page_size while has_next", async () => {
    GET.mockImplementation(async (_path: string, { params }: { params: { query: { page: number } } }) => {
      const page = params.query.page;
      const items =
        page === 1
          ? [run("run-a", "succeeded", { input_document_id: "doc-1", started: now - 30, finished: now - 20 })]
          : [run("run-b", "canceled", { error_message: "stopped" })];
      return { data: { items, page, page_size: 100, has_next: page === 1, has_previous: page > 1 } };
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <WorkspaceRunsRoute />
      </QueryClientProvider>,
    );
    expect(await screen.findByText("run-a")).toBeInTheDocument();
    expect(GET).toHaveBeenCalledWith("/api/v1/workspaces/{workspace_id}/runs", expect.objectContaining({
      params: { path: { workspace_id: "ws-1" }, query: { page: 1, page_size: 100 } },
    }));
    expect(screen.getByText("doc-1")).toBeInTheDocument();
    expect(screen.getByText("10.0s")).toBeInTheDocument();
    fireEvent.click(screen.getByText("Load more runs"));
    expect(await screen.findByText("run-b")).toBeInTheDocument();
    expect(GET).toHaveBeenLastCalledWith("/api/v1/workspaces/{workspace_id}/runs", expect.objectContaining({
      params: { path: { workspace_id: "ws-1" }, query: { page: 2, page_size: 100 } },
    }));
    expect(screen.getAllByText("Canceled").length).toBeGreaterThan(1); // pill + row badge
    await waitFor(() => expect(screen.queryByText("Load more runs")).not.toBeInTheDocument());
  });
});
