// The daily revert ceiling: a deal a workflow keeps moving is reverted at most N times a day; then the engine stops,
// records why, and tells the manager.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, REVERT_ONLY_POLICY, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: REVERT_ONLY_POLICY, withManagers: true, env: { MAX_REVERTS_PER_DEAL_PER_HOUR: "50", MAX_REVERTS_PER_DEAL_PER_DAY: "2" } });
}, 30_000);

describe("daily revert ceiling", () => {
  it("stops reverting the deal after the ceiling, records why and gives the manager one task", async () => {
    const { deal } = await dealIn(h, "appointmentscheduled", {}, 1);
    for (let i = 0; i < 3; i++) {
      await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "workflow", workflowId: "wf-7" } });
      await h.drain();
    }
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("presentationscheduled");
    const reverts = await rows<{ status: string }>("SELECT status FROM reverts WHERE deal_id = ? ORDER BY planned_at", deal.id);
    expect(reverts.filter((r) => r.status === "done")).toHaveLength(2);
    const v = await rows<{ actions: string }>("SELECT actions FROM violations WHERE deal_id = ? ORDER BY occurred_at", deal.id);
    expect(v).toHaveLength(3);
    const last = JSON.parse(v[2]?.actions ?? "[]") as Array<{ type: string; outcome: string; reason?: string }>;
    expect(last[0]).toMatchObject({ type: "revert", outcome: "skipped" });
    expect(last[0]?.reason).toContain("daily revert ceiling");
    expect(last[1]).toMatchObject({ type: "notify-manager", outcome: "done" });
    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.properties.hs_task_subject).toContain("keeps being moved");
    const teams = await h.portal.teams();
    expect(Object.values(teams.managerMap)).toContain(tasks[0]?.properties.hubspot_owner_id);
  }, 60_000);
});
