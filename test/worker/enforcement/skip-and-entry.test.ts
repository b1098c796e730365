// Enforce mode against the simulator: a skipped stage is reverted and the rep gets a task; missing entry criteria
// give a task but no revert; the revert's own echo is recognised and not evaluated again.
import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce") });
}, 30_000);

async function newDeal(props: Record<string, string>) {
  const owner = h.seed.owners[0];
  if (owner === undefined) throw new Error("seed has no owners");
  const deal = await h.portal.createDeal({
    properties: { dealname: "Acme renewal", pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id, ...props },
    as: { kind: "user", ownerId: owner.id },
  });
  await h.drain();
  return { deal, owner };
}

describe("enforce mode", () => {
  it("reverts a skipped stage and gives the owner a task on the deal", async () => {
    const { deal, owner } = await newDeal({ amount: "5000", closedate: String(Date.now() + 30 * 86_400_000) });
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();

    const after = await h.portal.getDeal(deal.id);
    expect(after.properties.dealstage).toBe("appointmentscheduled");
    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.properties.hubspot_owner_id).toBe(owner.id);
    expect(tasks[0]?.properties.hs_task_subject).toContain("Stage skipped");
    expect(tasks[0]?.properties.hs_task_body).toContain(`/record/0-3/${deal.id}`);

    const violations = await rows<{ rule_id: string; mode: string; reverted: number; task_id: string; actions: string; from_stage: string; to_stage: string; status: string; resolved_by: string }>(
      "SELECT rule_id, mode, reverted, task_id, actions, from_stage, to_stage, status, resolved_by FROM violations WHERE deal_id = ?",
      deal.id,
    );
    expect(violations).toHaveLength(1);
    const v = violations[0];
    expect(v).toMatchObject({ rule_id: "no-skip", mode: "enforce", reverted: 1, from_stage: "appointmentscheduled", to_stage: "presentationscheduled", task_id: tasks[0]?.id });
    const actions = JSON.parse(v?.actions ?? "[]") as Array<{ type: string; outcome: string }>;
    expect(actions.map((a) => `${a.type}:${a.outcome}`).sort()).toEqual(["revert:done", "task:done"]);

    // The revert came back as an INTEGRATION echo: recorded as ignored, not evaluated (no second violation).
    const echoes = await rows<{ status: string; status_reason: string }>(
      "SELECT status, status_reason FROM inbox_events WHERE object_id = ? AND status = 'ignored'",
      deal.id,
    );
    expect(echoes.length).toBeGreaterThan(0);
    expect(echoes[0]?.status_reason).toContain("echo");
    const transitions = await rows<{ to_stage: string; compliant: number; reverted: number }>(
      "SELECT to_stage, compliant, reverted FROM stage_transitions WHERE deal_id = ? ORDER BY occurred_at",
      deal.id,
    );
    expect(transitions).toEqual([
      { to_stage: "appointmentscheduled", compliant: 1, reverted: 0 },
      { to_stage: "presentationscheduled", compliant: 0, reverted: 1 },
    ]);
  }, 30_000);

  it("gives a task for missing entry criteria without reverting", async () => {
    const { deal, owner } = await newDeal({});
    await h.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();

    const after = await h.portal.getDeal(deal.id);
    expect(after.properties.dealstage).toBe("presentationscheduled");
    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.properties.hs_task_body).toContain("Amount");
    const writes = await h.portal.calls({ method: "PATCH" });
    expect(writes.filter((c) => c.path.includes(`/deals/${deal.id}`))).toEqual([]);
    const violations = await rows<{ rule_id: string; missing: string; status: string }>("SELECT rule_id, missing, status FROM violations WHERE deal_id = ?", deal.id);
    expect(violations).toEqual([{ rule_id: "presentation-needs-amount", missing: JSON.stringify(["amount", "closedate"]), status: "open" }]);
  }, 30_000);
});
