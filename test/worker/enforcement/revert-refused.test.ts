// HubSpot refuses the revert (a required property on the stage the deal would go back to): the refusal is recorded
// on the violation and the rep gets a task instead.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, REVERT_ONLY_POLICY, rows, type Harness } from "./harness";

const REQUIRED = { requiredProperties: [{ stageId: "qualifiedtobuy", properties: ["hs_next_step"] }] };
let h: Harness;
let withTask: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: REVERT_ONLY_POLICY, portal: REQUIRED });
  withTask = await createHarness({ policies: enforcePolicy(), portal: REQUIRED });
}, 60_000);

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

  it("a rule's own task, sent beside the revert as if it landed, is reworded from HubSpot's refusal", async () => {
    const { deal, owner } = await dealIn(withTask, "qualifiedtobuy", {}, 0);
    await withTask.portal.moveStage(deal.id, "decisionmakerboughtin", { as: { kind: "user", ownerId: owner.id } });
    await withTask.drain();
    expect((await withTask.portal.getDeal(deal.id)).properties.dealstage).toBe("decisionmakerboughtin");
    const tasks = await withTask.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    const body = tasks[0]?.properties.hs_task_body ?? "";
    expect(body).toContain("HubSpot refused");
    expect(body).toContain("Please move it back to Qualified To Buy yourself");
    expect(body).not.toContain("moved this deal back");
    expect(body).toContain("went from Qualified To Buy to Decision Maker Bought-In.");
  }, 30_000);
});

