// A portal that refuses the engine's task property (the token may not create task properties): tasks are still
// created — one by one, each answer its input's — without a reference and without a marker in their text.
import { beforeAll, describe, expect, it } from "vitest";
import { TASK_REF_PROPERTY } from "../../../src/hubspot/task-ref";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce"), portal: { missingScopes: ["crm.schemas.tasks.write"] } });
}, 30_000);

describe("task property refused", () => {
  it("creates each violation's task without a reference, and the next run does the same", async () => {
    const made: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { deal, owner } = await dealIn(h, "appointmentscheduled");
      await h.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
      await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
      await h.drain();
      const tasks = await h.portal.listTasks(deal.id);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]?.properties[TASK_REF_PROPERTY]).toBeUndefined();
      expect(tasks[0]?.properties.hs_task_body).not.toContain("governance-ref");
      const [row] = await rows<{ task_id: string; status: string }>("SELECT task_id, status FROM deal_tasks WHERE deal_id = ?", deal.id);
      expect(row).toEqual({ task_id: tasks[0]?.id, status: "open" });
      made.push(deal.id);
    }
    const refusals = (await h.portal.calls({ method: "POST", pathIncludes: "/crm/v3/properties/tasks" })).map((c) => c.status);
    expect(refusals.every((s) => s === 403)).toBe(true);
    expect(made).toHaveLength(2);
  }, 60_000);
});
