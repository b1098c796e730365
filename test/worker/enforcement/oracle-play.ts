// Random deal histories for the oracle property test: what people do to a few deals in the simulator (moves, fills,
// clears, close-date pushes and pulls, associations added and removed, merges), and when HubSpot's deliveries reach
// the engine (out of order, late, several per queue message).
import fc from "fast-check";
import type { Actor, SimOwner } from "../../../sim/client";
import type { Harness } from "./harness";

export const STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"] as const;
type Kind = "contacts" | "companies" | "line_items";
/** Who makes a change: the deal's owner, another rep, the owner's manager, a workflow. */
type By = "owner" | "other" | "manager" | "workflow";

export type Op =
  | { op: "move"; deal: number; stage: (typeof STAGES)[number]; by: By; nextStep: boolean }
  | { op: "set"; deal: number; property: "amount" | "hs_next_step" | "decision_maker" | "closed_lost_reason" | "manager_approved"; by: By; value: number }
  | { op: "clear"; deal: number; property: "amount" | "hs_next_step" | "decision_maker"; by: By }
  | { op: "closedate"; deal: number; days: number; by: By }
  | { op: "associate"; deal: number; kind: Kind; remove: boolean }
  | { op: "merge"; deal: number; into: number }
  /** Deliver what is due, `order` deciding the sequence; `together` puts them in one queue message. */
  | { op: "deliver"; order: number[]; together: boolean };

const deal = fc.integer({ min: 0, max: 2 });
const by = fc.constantFrom<By>("owner", "owner", "owner", "other", "manager", "workflow");
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("move" as const), deal, stage: fc.constantFrom(...STAGES), by, nextStep: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("set" as const), deal, property: fc.constantFrom("amount" as const, "amount" as const, "hs_next_step" as const, "decision_maker" as const, "closed_lost_reason" as const, "manager_approved" as const), by, value: fc.integer({ min: 0, max: 90_000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("clear" as const), deal, property: fc.constantFrom("amount" as const, "hs_next_step" as const, "decision_maker" as const), by }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("closedate" as const), deal, days: fc.integer({ min: -3, max: 20 }), by }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("associate" as const), deal, kind: fc.constantFrom<Kind>("contacts", "companies", "line_items"), remove: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("deliver" as const), order: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), together: fc.boolean() }) },
);

export interface Story {
  /** Each deal's first stage, whether it starts with an amount, and its owner (index into the reps). */
  deals: Array<{ stage: (typeof STAGES)[number]; amount: boolean; owner: number }>;
  ops: Op[];
  /** A delivery (not one with association changes) may reach the engine up to this many deliveries late. */
  lateness: number[];
}

export const storyArb: fc.Arbitrary<Story> = fc.record({
  deals: fc.array(fc.record({ stage: fc.constantFrom(...STAGES.slice(0, 3)), amount: fc.boolean(), owner: fc.integer({ min: 0, max: 1 }) }), { minLength: 3, maxLength: 3 }),
  ops: fc.array(opArb, { minLength: 4, maxLength: 14 }),
  lateness: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 16, maxLength: 16 }),
}).chain((s) => fc.option(fc.record({ op: fc.constant("merge" as const), deal: fc.integer({ min: 1, max: 2 }), into: fc.constant(0) }), { freq: 4 }).chain((m) =>
  fc.nat({ max: s.ops.length }).map((at) => (m === null ? s : { ...s, ops: [...s.ops.slice(0, at), m, ...s.ops.slice(at)] })),
));

interface Pending { events: unknown[]; late: number; seq: number; moves: string[] }

/** Plays a story in the simulator and delivers its webhooks to the engine; returns the deals' ids. */
export async function playStory(h: Harness, story: Story, reps: SimOwner[], managers: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  const ownerOf = (i: number) => reps[story.deals[i]?.owner ?? 0] ?? reps[0];
  const actor = (i: number, who: By): Actor => {
    const owner = ownerOf(i);
    if (who === "workflow") return { kind: "workflow" };
    if (who === "manager") return { kind: "user", ownerId: managers[owner?.id ?? ""] ?? owner?.id };
    if (who === "other") return { kind: "user", ownerId: reps.find((r) => r.id !== owner?.id)?.id ?? owner?.id };
    return { kind: "user", ownerId: owner?.id };
  };
  const pending: Pending[] = [];
  let lateIndex = 0;
  let seq = 0;
  const collect = async () => {
    await h.portal.flushWebhooks();
    for (const d of await h.portal.takeDeliveries({ includeScheduled: true })) {
      await h.portal.reportDelivery(d.deliveryId, 200);
      const events = JSON.parse(d.body) as Array<{ subscriptionType?: string; propertyName?: string; objectId?: number }>;
      const moves = events.filter((e) => e.propertyName === "dealstage").map((e) => String(e.objectId));
      // Two limits of what the engine can know, documented in docs/enforcement.md: an association change must reach
      // it no later than the changes after it (HubSpot keeps no association history), and one deal's stage moves
      // reach it in order (a move judged before an earlier violating move isn't judged again from that move's anchor).
      const holdable = moves.length === 0 && !events.some((e) => e.subscriptionType === "deal.associationChange" || e.subscriptionType === "deal.creation");
      pending.push({ events, late: holdable ? (story.lateness[lateIndex++ % story.lateness.length] ?? 0) : 0, seq: seq++, moves });
    }
  };
  const deliver = async (order: number[], together: boolean) => {
    const due = pending.filter((p) => p.late === 0);
    for (const p of pending) p.late = Math.max(0, p.late - 1);
    const ordered: Pending[] = [];
    const rest = [...due];
    for (const k of order) if (rest.length > 0) ordered.push(...rest.splice(k % rest.length, 1));
    ordered.push(...rest);
    // One deal's stage moves keep their order (see above): the slots holding moves are refilled in time order.
    const slots = ordered.flatMap((p, i) => (p.moves.length > 0 ? [i] : []));
    const moves = slots.map((i) => ordered[i]).filter((p): p is Pending => p !== undefined).sort((a, b) => a.seq - b.seq);
    slots.forEach((slot, k) => {
      const p = moves[k];
      if (p !== undefined) ordered[slot] = p;
    });
    for (const p of ordered) pending.splice(pending.indexOf(p), 1);
    if (together && ordered.length > 0) await h.deliver(ordered.flatMap((p) => p.events));
    else for (const p of ordered) await h.deliver(p.events);
  };
  for (const [i, d] of story.deals.entries()) {
    const owner = ownerOf(i);
    const props: Record<string, string> = { dealname: `Oracle ${i}`, pipeline: "default", dealstage: d.stage, hubspot_owner_id: owner?.id ?? "", closedate: String(Date.now() + 30 * 86_400_000) };
    if (d.amount) props.amount = "12000";
    ids.push((await h.portal.createDeal({ properties: props, as: actor(i, "owner") })).id);
  }
  await collect();
  await deliver([], true); // first seen: the engine's association snapshot starts before anything else happens
  const gone = new Set<number>();
  for (const op of story.ops) {
    if (op.op === "deliver") {
      await deliver(op.order, op.together);
      continue;
    }
    const id = ids[op.deal];
    if (id === undefined || gone.has(op.deal)) continue;
    if (op.op === "merge") {
      // A third limit (docs/enforcement.md): a merged-away deal's moves judged after the merge aren't judged from that
      // deal's earlier open violations, so its moves reach the engine before the merge; its other changes may not.
      const moves = pending.filter((p) => p.moves.includes(id)).sort((a, b) => a.seq - b.seq);
      for (const p of moves) pending.splice(pending.indexOf(p), 1);
      for (const p of moves) await h.deliver(p.events);
    }
    await playOp(h, op, id, ids, actor, gone);
    await collect();
  }
  while (pending.length > 0) await deliver([], false);
  return ids;
}

async function playOp(h: Harness, op: Exclude<Op, { op: "deliver" }>, id: string, ids: string[], actor: (i: number, who: By) => Actor, gone: Set<number>): Promise<void> {
  switch (op.op) {
    case "move":
      await h.portal.moveStage(id, op.stage, { as: actor(op.deal, op.by), ...(op.nextStep ? { properties: { hs_next_step: `step ${Date.now()}` } } : {}) });
      return;
    case "set": {
      const value = op.property === "amount" ? String(op.value) : op.property === "manager_approved" ? "true" : `${op.property} ${op.value}`;
      await h.portal.updateDeal(id, { [op.property]: value }, actor(op.deal, op.by));
      return;
    }
    case "clear":
      await h.portal.updateDeal(id, { [op.property]: "" }, actor(op.deal, op.by));
      return;
    case "closedate": {
      const raw = (await h.portal.getDeal(id)).properties.closedate ?? "";
      const current = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw) || Date.now();
      await h.portal.updateDeal(id, { closedate: String(current + op.days * 86_400_000) }, actor(op.deal, op.by));
      return;
    }
    case "associate": {
      const existing = (await h.portal.getDeal(id)).associations[op.kind];
      if (op.remove && existing[0] !== undefined) await h.portal.associate(id, op.kind, { toId: existing[0], remove: true });
      else if (!op.remove) await h.portal.associate(id, op.kind, { properties: op.kind === "contacts" ? { email: `c${Date.now()}@oracle.test` } : { name: `o${Date.now()}` } });
      return;
    }
    case "merge": {
      const into = ids[op.into];
      if (into === undefined || gone.has(op.into) || op.into === op.deal) return;
      await h.portal.merge(into, id);
      gone.add(op.deal);
      return;
    }
  }
}
