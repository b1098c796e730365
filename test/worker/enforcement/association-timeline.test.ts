// Associations as of the change: HubSpot keeps no association history, so the engine keeps its own timeline from
// deal.associationChange events and a snapshot when it first sees a deal. A contact associated after the move (its
// event delivered later) must not make the move look compliant; a change before the timeline starts says so.
import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, rows, type Harness } from "./harness";

const POLICY = `apiVersion: governance/v1
kind: DealPolicy
id: test-assoc
mode: audit
severity: warning
scope: { pipelines: [default] }
rules:
  - id: presentation-needs-contact
    on: { stageEntered: Presentation Scheduled }
    associations: { contacts: 1 }
    message: "Associate a contact before {{change.to.label}}"
    actions: [log]
`;

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: POLICY });
}, 30_000);

async function takeEvents(): Promise<unknown[][]> {
  await h.portal.flushWebhooks();
  const taken = await h.portal.takeDeliveries({ includeScheduled: true });
  for (const d of taken) await h.portal.reportDelivery(d.deliveryId, 200);
  return taken.map((d) => JSON.parse(d.body) as unknown[]);
}

/** Every event handed over until one matches (polled, with a generous bound for a loaded machine). */
async function gatherUntil(found: (e: { subscriptionType?: string }) => boolean): Promise<unknown[]> {
  const events: Array<{ subscriptionType?: string }> = [];
  const deadline = Date.now() + 20_000;
  while (!events.some(found)) {
    if (Date.now() > deadline) throw new Error(`no matching event after 20 s (${events.length} gathered)`);
    events.push(...((await takeEvents()).flat() as Array<{ subscriptionType?: string }>));
    if (!events.some(found)) await new Promise((r) => setTimeout(r, 50));
  }
  return events;
}

interface Step { check: string; values: Record<string, { origin: string; reason: string }> }

async function newDeal() {
  const owner = h.seed.owners[0];
  if (owner === undefined) throw new Error("no owner");
  const deal = await h.portal.createDeal({ properties: { dealname: "Initech", pipeline: "default", dealstage: "qualifiedtobuy", hubspot_owner_id: owner.id }, as: { kind: "user", ownerId: owner.id } });
  return { deal, owner };
}

describe("association timeline", () => {
  it("snapshots a deal seen at its creation then, before any move", async () => {
    const { deal } = await newDeal();
    await h.drain();
    expect(await rows("SELECT kind FROM association_coverage WHERE deal_id = ?", deal.id)).toEqual([{ kind: "contacts" }]);
  }, 30_000);

  it("takes no snapshot of a deal first seen changed until a change needs the count, then one; a contact associated after a later move doesn't make that move compliant", async () => {
    // Created before the engine heard of it (webhooks off), first seen moving back to Appointment Scheduled, where no
    // rule counts its contacts: no association read.
    await h.portal.setKnobs({ webhook: { enabled: false } });
    const { deal, owner } = await newDeal();
    await h.portal.setKnobs({ webhook: { enabled: true, mode: "outbox", flushMs: 0 } });
    const as = { kind: "user" as const, ownerId: owner.id };
    const since = Date.now();
    await h.portal.moveStage(deal.id, "appointmentscheduled", { as });
    await h.drain();
    expect(await rows("SELECT kind FROM association_coverage WHERE deal_id = ?", deal.id)).toEqual([]);
    expect(await h.portal.calls({ since, pathIncludes: "/associations/" })).toEqual([]);
    const uncounted = async () => (await rows<{ change: string }>("SELECT change FROM judged_changes WHERE deal_id = ? ORDER BY occurred_at", deal.id)).map((r) => (JSON.parse(r.change) as { uncounted?: string[] }).uncounted ?? []);
    expect(await uncounted()).toEqual([["contacts"]]);
    await h.portal.moveStage(deal.id, "presentationscheduled", { as });
    await h.drain(); // this move needs the count: the snapshot (no contact)
    expect(await rows("SELECT kind FROM association_coverage WHERE deal_id = ? ORDER BY kind", deal.id)).toEqual([{ kind: "contacts" }]);
    expect(await rows("SELECT status FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ status: "open" }]);
    // The creation, judged before the timeline started, is counted again from the snapshot (what a back-test replays).
    expect(await uncounted()).toEqual([[], []]);

    // Back and in again; the contact is added after the move, its event delivered after the move's.
    await h.portal.moveStage(deal.id, "qualifiedtobuy", { as });
    await h.drain();
    await h.portal.moveStage(deal.id, "presentationscheduled", { as });
    const move = [await gatherUntil((e) => e.subscriptionType === "deal.propertyChange")];
    await h.portal.associate(deal.id, "contacts", { properties: { email: "a@initech.test" }, as });
    const association = [await gatherUntil((e) => e.subscriptionType === "deal.associationChange")];

    for (const events of move) await h.deliver(events);
    const found = await rows<{ rule_id: string; status: string; trace: string }>("SELECT rule_id, status, trace FROM violations WHERE deal_id = ? ORDER BY occurred_at", deal.id);
    expect(found.map((v) => [v.rule_id, v.status])).toEqual([["presentation-needs-contact", "resolved"], ["presentation-needs-contact", "open"]]);
    const values = (JSON.parse(found[1]?.trace ?? "[]") as Step[]).find((s) => s.check === "values")?.values;
    expect(values?.["association:contacts"]?.origin).toBe("as-of");

    // The association's event arrives: logged in the timeline, and it fixes the deal.
    for (const events of association) await h.deliver(events);
    expect(await rows("SELECT kind, removed, source FROM association_timeline WHERE deal_id = ? AND source = 'event'", deal.id)).toEqual([{ kind: "contacts", removed: 0, source: "event" }]);
    expect(await rows("SELECT status FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ status: "resolved" }, { status: "resolved" }]);
  }, 30_000);

  it("a move before the timeline starts is counted from the snapshot with later changes undone, and the trace says so", async () => {
    const { deal, owner } = await newDeal();
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.portal.associate(deal.id, "contacts", { properties: { email: "b@initech.test" }, as: { kind: "user", ownerId: owner.id } });
    // One delivery with all three: first seen now, the snapshot has the contact, the association event (after the
    // move) is undone.
    const events = await gatherUntil((e) => e.subscriptionType === "deal.associationChange");
    await h.deliver(events);
    const found = await rows<{ rule_id: string; trace: string }>("SELECT rule_id, trace FROM violations WHERE deal_id = ?", deal.id);
    expect(found.map((v) => v.rule_id)).toEqual(["presentation-needs-contact"]);
    const values = (JSON.parse(found[0]?.trace ?? "[]") as Step[]).find((s) => s.check === "values")?.values;
    expect(values?.["association:contacts"]?.origin).toBe("current");
    expect(values?.["association:contacts"]?.reason).toMatch(/timeline starts .* after this change/);
  }, 30_000);

  it("a merge's contacts count on the survivor from the merge on, not before it; the merged deal's moves count its own", async () => {
    // B has a contact and moves while A, without one, moves too; all of it reaches the engine only after A absorbed B
    // (first seen after the merge: HubSpot answers B's associations nowhere, A's with both deals').
    const { deal: a, owner } = await newDeal();
    const { deal: b } = await newDeal();
    const as = { kind: "user" as const, ownerId: owner.id };
    await h.portal.associate(b.id, "contacts", { properties: { email: "c@initech.test" }, as });
    await h.portal.moveStage(b.id, "presentationscheduled", { as });
    await h.portal.moveStage(a.id, "presentationscheduled", { as });
    const before = await gatherUntil((e) => e.subscriptionType === "deal.associationChange");
    await h.portal.merge(a.id, b.id, { kind: "user", ownerId: owner.id });
    await h.portal.moveStage(a.id, "qualifiedtobuy", { as });
    await h.portal.moveStage(a.id, "presentationscheduled", { as });
    const after = await gatherUntil((e) => e.subscriptionType === "deal.merge");
    await h.deliver([...before, ...after]);

    // A's first move lacked a contact; its move after the merge had B's; B's own move had its own.
    const found = await rows<{ deal_id: string; occurred_at: number }>("SELECT deal_id, occurred_at FROM violations WHERE deal_id IN (?, ?)", a.id, b.id);
    const moves = await rows<{ occurred_at: number; deal_id: string }>("SELECT occurred_at, deal_id FROM stage_transitions WHERE deal_id = ? AND to_stage = 'presentationscheduled' ORDER BY occurred_at", a.id);
    expect(moves).toHaveLength(3);
    const aFirst = (await h.portal.getDeal(a.id)).history.dealstage?.find((e) => e.value === "presentationscheduled")?.timestamp;
    expect(found.map((v) => [v.deal_id, new Date(v.occurred_at).toISOString()])).toEqual([[a.id, aFirst]]);
    expect(await rows("SELECT to_id FROM association_timeline WHERE deal_id = ? AND source = 'event'", a.id)).toHaveLength(1);
  }, 30_000);

  it("a merge moves contacts the engine never counted nor heard of on the merged deal: the survivor's read tells them, from the merge on", async () => {
    const { deal: survivor, owner } = await newDeal();
    const as = { kind: "user" as const, ownerId: owner.id };
    await h.drain(); // the survivor, seen created: counted from then (no contact)
    // The merged deal and its contact, made with no webhook (as before the engine was installed); then seen moving
    // where no rule counts contacts, so the engine never read them.
    await h.portal.setKnobs({ webhook: { enabled: false } });
    const { deal: merged } = await newDeal();
    await h.portal.associate(merged.id, "contacts", { properties: { email: "m@initech.test" }, as });
    await h.portal.setKnobs({ webhook: { enabled: true, mode: "outbox", flushMs: 0 } });
    await h.portal.moveStage(merged.id, "appointmentscheduled", { as });
    await h.portal.moveStage(survivor.id, "presentationscheduled", { as });
    await h.drain(); // the survivor's move has no contact; the merged deal's needs no count
    expect(await rows("SELECT deal_id FROM association_coverage WHERE deal_id IN (?, ?)", survivor.id, merged.id)).toEqual([{ deal_id: survivor.id }]);

    await h.portal.merge(survivor.id, merged.id, as);
    await h.portal.moveStage(survivor.id, "qualifiedtobuy", { as });
    await h.portal.moveStage(survivor.id, "presentationscheduled", { as });
    await h.drain();
    // Its first move had no contact; the one after the merge had the merged deal's.
    const found = await rows<{ status: string }>("SELECT status FROM violations WHERE deal_id = ? ORDER BY occurred_at", survivor.id);
    expect(found).toEqual([{ status: "resolved" }]);
    expect(await rows("SELECT source FROM association_timeline WHERE deal_id = ? AND kind = 'contacts'", survivor.id)).toEqual([{ source: "event" }]);
  }, 30_000);

  it("an association event delivered after the engine counted from a later snapshot: the move is judged again and its violation recorded", async () => {
    // Catching up: the move reaches the engine only after the contact was added (the first-seen snapshot has it), and
    // the association's own event comes in a later delivery.
    const { deal, owner } = await newDeal();
    const as = { kind: "user" as const, ownerId: owner.id };
    await h.portal.moveStage(deal.id, "presentationscheduled", { as });
    const move = await gatherUntil((e) => e.subscriptionType === "deal.propertyChange");
    await h.portal.associate(deal.id, "contacts", { properties: { email: "d@initech.test" }, as });
    const association = await gatherUntil((e) => e.subscriptionType === "deal.associationChange");
    await h.deliver(move);
    expect(await rows("SELECT rule_id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);

    await h.deliver(association);
    const movedAt = (await h.portal.getDeal(deal.id)).history.dealstage?.find((e) => e.value === "presentationscheduled")?.timestamp;
    const found = await rows<{ rule_id: string; occurred_at: number; status: string; resolved_by: string }>("SELECT rule_id, occurred_at, status, resolved_by FROM violations WHERE deal_id = ?", deal.id);
    expect(found.map((v) => [v.rule_id, new Date(v.occurred_at).toISOString(), v.status, v.resolved_by])).toEqual([["presentation-needs-contact", movedAt, "resolved", `userId:${owner.userId}`]]);
    expect(await rows("SELECT compliant FROM stage_transitions WHERE deal_id = ? AND to_stage = 'presentationscheduled'", deal.id)).toEqual([{ compliant: 0 }]);
    // The recorded history a back-test replays has the corrected count.
    const stored = await rows<{ change: string }>("SELECT change FROM judged_changes WHERE deal_id = ? AND change LIKE '%presentationscheduled%' ORDER BY occurred_at LIMIT 1", deal.id);
    expect((JSON.parse(stored[0]?.change ?? "{}") as { associations?: { contacts?: number } }).associations?.contacts).toBe(0);
  }, 30_000);
});

