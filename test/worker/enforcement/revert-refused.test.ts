// HubSpot refuses the revert (a required property on the stage the deal would go back to): the refusal is recorded
// on the violation and the rep gets a task instead.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, REVERT_ONLY_POLICY, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: REVERT_ONLY_POLICY, portal: { requiredProperties: [{ stageId: "qualifiedtobuy", properties: ["hs_next_step"] }] } });
}, 30_000);

describe("revert refused", () => {
  it("records the refusal and creates a task for the rep instead", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy", {}, 0);
    await h.portal.moveStage(deal.id, "decisionmakerboughtin", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("decisionmakerboughtin");
    const refused = (await h.portal.calls({ method: "PATCH" })).filter((c) => c.path.includes(deal.id));
    expect(refused.map((c) => c.status)).toEqual([400]);
    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.properties.hs_task_body).toContain("could not move the deal back");
    const v = await rows<{ actions: string; reverted: number; task_id: string; status: string }>("SELECT actions, reverted, task_id, status FROM violations WHERE deal_id = ?", deal.id);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ reverted: 0, task_id: tasks[0]?.id, status: "open" });
    const actions = JSON.parse(v[0]?.actions ?? "[]") as Array<{ type: string; outcome: string; error?: string }>;
    expect(actions[0]).toMatchObject({ type: "revert", outcome: "failed" });
    expect(actions[0]?.error).toContain("validation");
    expect(actions[1]).toMatchObject({ type: "task", outcome: "done", taskId: tasks[0]?.id });
    const revertRows = await rows<{ status: string }>("SELECT status FROM reverts WHERE deal_id = ?", deal.id);
    expect(revertRows).toEqual([{ status: "refused" }]);
  }, 30_000);
});
