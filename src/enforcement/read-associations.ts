// Part of step 1, read: association counts as of each change from the association timeline (D1), fed with this
// batch's deal.associationChange events and, for a deal seen for the first time, a snapshot of its associations
// (v4, one call per kind for all such deals of the batch). Every association event of the batch is logged. Returns
// what to add to the timeline; record.ts writes it.
import { listAssociatedIds } from "../hubspot/associations";
import type { HubSpotClient } from "../hubspot/client";
import type { HubSpotError, Result } from "../hubspot/errors";
import { neededAssociations, type AssociationKind, type CompiledPolicySet } from "../policy";
import { listAssociationTimeline, type AssociationEntry, type AssociationTimeline } from "../store/association-timeline";
import { countsAt, entriesFromEvents } from "./association-timeline";
import type { AssociationLog, DealSnapshot } from "./snapshot";

const NOW_AND_AFTER = Number.MAX_SAFE_INTEGER;

/** Sets each change's association counts (and their origins) and each deal's current counts; returns the new rows. */
export async function applyAssociationTimeline(
  ctx: { db: D1Database; client: HubSpotClient; now: number; readAt: number },
  set: CompiledPolicySet,
  deals: DealSnapshot[],
): Promise<Result<AssociationLog, HubSpotError>> {
  const log: AssociationLog = { entries: deals.flatMap((d) => entriesFromEvents(d.group.events)), coverage: [] };
  const kinds = neededAssociations(set);
  if (kinds.length === 0 || deals.length === 0) return { ok: true, value: log };
  const timeline = await listAssociationTimeline(ctx.db, deals.map((d) => d.deal.id));
  const seen = new Set(timeline.entries.map(keyOf));
  for (const e of log.entries) if (!seen.has(keyOf(e))) timeline.entries.push(e);

  // A deal seen for the first time: snapshot its associations now, so later changes are counted from the timeline.
  for (const kind of kinds) {
    const first = deals.map((d) => d.deal.id).filter((id) => !timeline.coverage.has(`${id}|${kind}`));
    if (first.length === 0) continue;
    const ids = await listAssociatedIds(ctx.client, kind, first);
    if (!ids.ok) return ids;
    for (const dealId of first) {
      const snapshot = (ids.value.get(dealId) ?? []).map((toId): AssociationEntry => ({ dealId, kind, toId, removed: false, occurredAt: ctx.readAt, source: "snapshot" }));
      timeline.entries.push(...snapshot);
      timeline.coverage.set(`${dealId}|${kind}`, ctx.readAt);
      log.entries.push(...snapshot);
      log.coverage.push({ dealId, kind, at: ctx.readAt });
    }
  }
  // Each deal counted from its own entries: a burst's batch holds thousands of deals (a scan of all of them per
  // change was seconds of CPU on the way to the tasks).
  const byDeal = new Map<string, AssociationEntry[]>();
  for (const e of timeline.entries) {
    const own = byDeal.get(e.dealId);
    if (own === undefined) byDeal.set(e.dealId, [e]);
    else own.push(e);
  }
  for (const d of deals) countDeal(d, { entries: byDeal.get(d.deal.id) ?? [], coverage: timeline.coverage }, kinds);
  return { ok: true, value: log };
}

function countDeal(d: DealSnapshot, timeline: AssociationTimeline, kinds: AssociationKind[]): void {
  for (const b of d.built) {
    const at = countsAt(timeline, d.deal.id, kinds, b.change.occurredAt);
    // The counts just before: a change that adds the contact a skipped stage asks for makes the skip good; one made
    // while the deal already had it doesn't (policy/skipped-criteria.ts).
    const before = countsAt(timeline, d.deal.id, kinds, b.change.occurredAt - 1).counts;
    const differs = kinds.some((k) => before[k] !== at.counts[k]);
    b.change = { ...b.change, associations: at.counts, ...(differs ? { associationsBefore: before } : {}), origins: { ...b.change.origins, ...at.origins } };
  }
  const now = countsAt(timeline, d.deal.id, kinds, NOW_AND_AFTER);
  d.associations = now.counts;
}

function keyOf(e: AssociationEntry): string {
  return `${e.dealId}|${e.kind}|${e.toId}|${e.occurredAt}|${e.removed ? 1 : 0}|${e.source}`;
}
