// Part of step 1, read: association counts as of each change from the association timeline (D1), fed with this
// batch's deal.associationChange events and, the first time a kind's count matters, a snapshot of its associations
// (association-snapshots.ts). Every association event of the batch is logged, and the associations a merge moved to
// the surviving deal. Returns what to add to the timeline; record.ts writes it.
import type { HubSpotClient } from "../hubspot/client";
import type { HubSpotError, Result } from "../hubspot/errors";
import { neededAssociations, type AssociationKind, type CompiledPolicySet } from "../policy";
import { listAssociationTimeline, type AssociationEntry, type AssociationTimeline } from "../store/association-timeline";
import { listJudgedChangesOfDeals } from "../store/judged-changes";
import { takeSnapshots } from "./association-snapshots";
import { countsAt, entriesFromEvents, mergedInEntries, type MergeOf } from "./association-timeline";
import { decodeJudgedChange } from "./judged-change-codec";
import { changeKey, recountStored } from "./rejudge";
import type { AssociationLog, DealSnapshot } from "./snapshot";

const NOW_AND_AFTER = Number.MAX_SAFE_INTEGER;

/** Sets each change's association counts (and their origins) and each deal's current counts; returns the new rows. */
export async function applyAssociationTimeline(
  ctx: { db: D1Database; client: HubSpotClient; now: number; readAt: number },
  set: CompiledPolicySet,
  deals: DealSnapshot[],
  mergesOfBatch: MergeOf[],
): Promise<Result<AssociationLog, HubSpotError>> {
  const events = deals.flatMap((d) => entriesFromEvents(d.group.events));
  const kinds = neededAssociations(set);
  if (kinds.length === 0 || deals.length === 0) return { ok: true, value: { entries: events, coverage: [] } };
  const log: AssociationLog = { entries: [], coverage: [] };
  const merges = [...mergesOfBatch, ...deals.flatMap((d) => (d.mergedInto === null ? [] : [{ dealId: d.deal.id, into: d.mergedInto.dealId, at: d.mergedInto.at }]))];
  const timeline = await listAssociationTimeline(ctx.db, [...new Set([...deals.map((d) => d.deal.id), ...merges.map((m) => m.dealId)])]);
  const seen = new Set(timeline.entries.map(keyOf));
  const cover = coverWith(timeline, log);
  const add = (entries: AssociationEntry[]) => {
    for (const e of entries) {
      if (seen.has(keyOf(e))) continue;
      seen.add(keyOf(e));
      timeline.entries.push(e);
      log.entries.push(e);
    }
  };
  add(events);

  // A deal seen for the first time: snapshot its associations now — only the kinds some deal of the run needs
  // (association-snapshots.ts) — so later changes are counted from the timeline.
  const moved = await takeSnapshots(ctx, { set, kinds, deals, merges }, timeline, cover);
  if (!moved.ok) return moved;
  add(moved.value);
  add(mergedInEntries(timeline, merges, kinds));
  // Each deal counted from its own entries: a burst's batch holds thousands of deals (a scan of all of them per
  // change was seconds of CPU on the way to the tasks).
  const byDeal = new Map<string, AssociationEntry[]>();
  for (const e of timeline.entries) {
    const own = byDeal.get(e.dealId);
    if (own === undefined) byDeal.set(e.dealId, [e]);
    else own.push(e);
  }
  for (const d of deals) countDeal(d, { entries: byDeal.get(d.deal.id) ?? [], coverage: timeline.coverage }, kinds);
  await findRejudged(ctx.db, { byDeal, coverage: timeline.coverage }, kinds, deals, log);
  return { ok: true, value: log };
}

/**
 * Deals judged before whose timeline this batch changed (an association event, associations a merge moved, or a first
 * snapshot — their earlier changes were judged without that count): their stored judged changes counted again, the
 * ones whose counts differ set on `rejudged` (rejudge.ts says why).
 */
async function findRejudged(db: D1Database, timeline: { byDeal: Map<string, AssociationEntry[]>; coverage: AssociationTimeline["coverage"] }, kinds: AssociationKind[], deals: DealSnapshot[], added: AssociationLog): Promise<void> {
  const touched = new Set([...added.entries.filter((e) => e.source === "event").map((e) => e.dealId), ...added.coverage.map((c) => c.dealId)]);
  const judgedBefore = deals.filter((d) => d.mergedInto === null && d.state !== undefined && touched.has(d.deal.id));
  if (judgedBefore.length === 0) return;
  const rows = await listJudgedChangesOfDeals(db, judgedBefore.map((d) => d.deal.id));
  for (const d of judgedBefore) {
    const stored = rows.filter((r) => r.deal_id === d.deal.id).flatMap((r) => {
      const decoded = decodeJudgedChange(r.change);
      return decoded.ok ? [decoded.value] : [];
    });
    const inBatch = new Set(d.built.map((b) => changeKey(b.change.occurredAt, b.change.kind)));
    d.rejudged = recountStored(stored, { entries: timeline.byDeal.get(d.deal.id) ?? [], coverage: timeline.coverage }, d.deal.id, kinds, inBatch);
  }
}

/** Starts the (deal, kind) timeline at `at` with these members. */
function coverWith(timeline: AssociationTimeline, log: AssociationLog) {
  return (dealId: string, kind: AssociationKind, at: number, members: string[]) => {
    const snapshot = members.map((toId): AssociationEntry => ({ dealId, kind, toId, removed: false, occurredAt: at, source: "snapshot" }));
    timeline.entries.push(...snapshot);
    timeline.coverage.set(`${dealId}|${kind}`, at);
    log.entries.push(...snapshot);
    log.coverage.push({ dealId, kind, at });
  };
}

function countDeal(d: DealSnapshot, timeline: AssociationTimeline, kinds: AssociationKind[]): void {
  for (const b of d.built) {
    const at = countsAt(timeline, d.deal.id, kinds, b.change.occurredAt);
    // The counts just before: a change that adds the contact a skipped stage asks for makes the skip good; one made
    // while the deal already had it doesn't (policy/skipped-criteria.ts).
    const before = countsAt(timeline, d.deal.id, kinds, b.change.occurredAt - 1).counts;
    const differs = kinds.some((k) => before[k] !== at.counts[k]);
    b.change = { ...b.change, associations: at.counts, ...(differs ? { associationsBefore: before } : {}), origins: { ...b.change.origins, ...at.origins } };
    if (at.uncounted.length > 0) b.uncounted = at.uncounted;
  }
  const now = countsAt(timeline, d.deal.id, kinds, NOW_AND_AFTER);
  d.associations = now.counts;
}

function keyOf(e: AssociationEntry): string {
  return `${e.dealId}|${e.kind}|${e.toId}|${e.occurredAt}|${e.removed ? 1 : 0}|${e.source}`;
}
