// A task batch-create whose answer is lost after HubSpot applied it (a 500 after the write): the retry looks for
// the task by its ref marker on the deal and adopts it — exactly one task per violation. When the failure proves
// nothing was created (429) the retry just creates, without the lookup; the happy path never looks up.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce") });
  // The portal's first task create installs the reference property (a 400 first): done before the calls counted here.
  await violate();
  await h.drain();
}, 30_000);
beforeEach(async () => {
  await h.portal.setKnobs({ faults: { script: [] }, limits: { tenSecondlyMax: 190, intervalMs: 10_000 } });
});

/** A deal moved step by step into Presentation Scheduled without amount and close date: one task, no revert. */
async function violate(): Promise<string> {
  const { deal, owner } = await dealIn(h, "appointmentscheduled");
  await h.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
  await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
  return deal.id;
}

async function lookups(since: number) {
  const calls = (await h.portal.calls()).filter((c) => c.seq > since);
  return {
    creates: calls.filter((c) => c.method === "POST" && c.path.includes("/tasks/batch/create")),
    associationReads: calls.filter((c) => c.path.includes("/associations/deals/tasks/batch/read")),
    taskReads: calls.filter((c) => c.path.includes("/objects/tasks/batch/read")),
  };
}

const lastSeq = async () => Math.max(0, ...(await h.portal.calls()).map((c) => c.seq));

describe("task creation with an unknown outcome", () => {
  it("adopts the task a failed-after-apply create made instead of creating a second one", async () => {
    const dealId = await violate();
    const since = await lastSeq();
    await h.portal.setKnobs({ faults: { script: [{ status: 500, count: 1, method: "POST", pathIncludes: "/tasks/batch/create", afterApply: true }] } });
    const report = await h.drain();

    expect(report.retries).toBeGreaterThan(0);
    const tasks = await h.portal.listTasks(dealId);
    expect(tasks).toHaveLength(1);
    const { creates, associationReads, taskReads } = await lookups(since);
    expect(creates.map((c) => c.status)).toEqual([500]);
    expect(associationReads).toHaveLength(1);
    expect(taskReads).toHaveLength(1);

    const recorded = await rows<{ task_id: string; status: string; attempts: number; error: string | null }>(
      "SELECT task_id, status, attempts, error FROM deal_tasks WHERE deal_id = ?",
      dealId,
    );
    expect(recorded).toEqual([{ task_id: tasks[0]?.id, status: "open", attempts: 1, error: null }]);
    const [violation] = await rows<{ rule_id: string; task_id: string; actions: string }>("SELECT rule_id, task_id, actions FROM violations WHERE deal_id = ?", dealId);
    expect(violation).toMatchObject({ rule_id: "presentation-needs-amount", task_id: tasks[0]?.id });
    expect((JSON.parse(violation?.actions ?? "[]") as Array<{ type: string; outcome: string }>).map((a) => `${a.type}:${a.outcome}`)).toEqual(["task:done"]);
  }, 30_000);

  it("creates on the retry without a lookup when the failure proves nothing was created (429)", async () => {
    const dealId = await violate();
    const since = await lastSeq();
    // A one-second window: the engine backs off for one window after a 429.
    await h.portal.setKnobs({ faults: { script: [{ status: 429, count: 1, method: "POST", pathIncludes: "/tasks/batch/create" }] }, limits: { tenSecondlyMax: 190, intervalMs: 1000 } });
    await h.drain();

    expect(await h.portal.listTasks(dealId)).toHaveLength(1);
    const { creates, associationReads, taskReads } = await lookups(since);
    expect(creates.map((c) => c.status)).toEqual([429, 201]);
    expect(associationReads).toEqual([]);
    expect(taskReads).toEqual([]);
  }, 30_000);

  it("makes no lookup on the happy path", async () => {
    const dealId = await violate();
    const since = await lastSeq();
    await h.drain();
    expect(await h.portal.listTasks(dealId)).toHaveLength(1);
    const { creates, associationReads, taskReads } = await lookups(since);
    expect(creates).toHaveLength(1);
    expect(associationReads).toEqual([]);
    expect(taskReads).toEqual([]);
  }, 30_000);
});
