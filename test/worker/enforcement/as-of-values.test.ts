// Values as of the change: a property a rule reads is judged as it was when the stage moved, from HubSpot's property
// history, not as it is when the engine gets round to the event. Each case delivers the move's webhook batch only
// after a later edit happened in HubSpot (a later delivery), which is when the current value and the value at the
// change differ.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("audit") });
}, 30_000);

/** Takes the deliveries waiting in the simulator's outbox (acknowledged), as raw event arrays. */
async function takeEvents(): Promise<unknown[][]> {
  await h.portal.flushWebhooks();
  const taken = await h.portal.takeDeliveries({ includeScheduled: true });
  for (const d of taken) await h.portal.reportDelivery(d.deliveryId, 200);
  return taken.map((d) => JSON.parse(d.body) as unknown[]);
}

interface TraceStep { check: string; values: Record<string, { origin: string; reason: string }> }

describe("values as of the change", () => {
  it("a move without an amount, filled in a later delivery, is still a violation (and the trace says as-of)", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy", {}, 0);
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    const move = await takeEvents();
    await h.portal.updateDeal(deal.id, { amount: "5000", closedate: String(Date.now() + 30 * 86_400_000) }, { kind: "user", ownerId: owner.id });
    const fill = await takeEvents();

    for (const events of move) await h.deliver(events);
    const found = await rows<{ rule_id: string; missing: string; trace: string }>("SELECT rule_id, missing, trace FROM violations WHERE deal_id = ?", deal.id);
    expect(found.map((v) => [v.rule_id, v.missing])).toEqual([["presentation-needs-amount", JSON.stringify(["amount", "closedate"])]]);
    const trace = JSON.parse(found[0]?.trace ?? "[]") as TraceStep[];
    const values = trace.find((s) => s.check === "values")?.values;
    expect(values?.amount?.origin).toBe("as-of");
    expect(values?.amount?.reason).toMatch(/^not yet set/);
    expect(values?.closedate?.origin).toBe("as-of");

    // The fill arrives: the violation is resolved by it, not erased.
    for (const events of fill) await h.deliver(events);
    expect(await rows("SELECT status FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ status: "resolved" }]);
  }, 30_000);

  it("a compliant move stays compliant when the amount is cleared afterwards", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy", { amount: "5000", closedate: String(Date.now() + 30 * 86_400_000) }, 0);
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    const move = await takeEvents();
    await h.portal.updateDeal(deal.id, { amount: "" }, { kind: "user", ownerId: owner.id });
    const clear = await takeEvents();

    for (const events of move) await h.deliver(events);
    expect(await rows("SELECT rule_id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);
    for (const events of clear) await h.deliver(events);
    expect(await rows("SELECT rule_id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);
    const moves = await rows<{ to_stage: string; compliant: number }>("SELECT to_stage, compliant FROM stage_transitions WHERE deal_id = ? ORDER BY occurred_at", deal.id);
    expect(moves.at(-1)).toEqual({ to_stage: "presentationscheduled", compliant: 1 });
  }, 30_000);
});
