// Remediation: when a later change makes the deal comply, its violation is resolved (when, by whom, by which change,
// time to fix) and the engine's task is completed in HubSpot.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce") });
}, 30_000);

describe("fixing the deal", () => {
  it("resolves the violation and completes its task", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy", {}, 0);
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    const [task] = await h.portal.listTasks(deal.id);
    expect(task?.properties.hs_task_status).toBe("NOT_STARTED");

    await h.portal.updateDeal(deal.id, { amount: "12000", closedate: String(Date.now() + 20 * 86_400_000) }, { kind: "user", ownerId: owner.id });
    await h.drain();
    const v = await rows<{ status: string; resolved_by: string; resolved_by_event: string | null; time_to_fix_ms: number; resolved_at: number; occurred_at: number }>(
      "SELECT status, resolved_by, resolved_by_event, time_to_fix_ms, resolved_at, occurred_at FROM violations WHERE deal_id = ?",
      deal.id,
    );
    expect(v).toHaveLength(1);
    expect(v[0]?.status).toBe("resolved");
    expect(v[0]?.resolved_by).toBe(`userId:${owner.userId}`);
    expect(v[0]?.resolved_by_event).toMatch(/^[0-9a-f]{64}$/);
    expect(v[0]?.time_to_fix_ms).toBe((v[0]?.resolved_at ?? 0) - (v[0]?.occurred_at ?? 0));
    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks.map((t) => t.properties.hs_task_status)).toEqual(["COMPLETED"]);
    expect(await rows("SELECT status FROM deal_tasks WHERE deal_id = ?", deal.id)).toEqual([{ status: "completed" }]);
  }, 30_000);
});
