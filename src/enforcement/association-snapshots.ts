// Part of step 1, read: the association snapshots a run takes. A (deal, kind) timeline starts with a snapshot when the
// engine sees the deal created, or else the first time a deal of the run needs that kind's count — a rule whose verdict
// turns on it, an open violation's re-check (association-needs.ts), any change when an expression reads the count —
// and that call (≤1000 deals) then covers every deal of the run not covered yet. A deal first seen changed (it predates
// the engine, or an import) whose changes never needed a kind isn't read for it: a burst of edits and moves no
// association rule cares about costs no association read (it cost one call per kind per run, most of a burst's
// overhead). Such a deal's timeline starts at a later snapshot; its earlier changes are counted back from it by
// undoing the association events logged since (association-timeline.ts) and counted again then (read-associations.ts).
import { listAssociatedIds } from "../hubspot/associations";
import type { HubSpotClient } from "../hubspot/client";
import type { HubSpotError, Result } from "../hubspot/errors";
import { expressionAssociations, type AssociationKind, type CompiledPolicySet } from "../policy";
import type { AssociationEntry, AssociationTimeline } from "../store/association-timeline";
import { associationNeeds } from "./association-needs";
import { membersAt, type MergeOf } from "./association-timeline";
import type { DealSnapshot } from "./snapshot";

const NOW_AND_AFTER = Number.MAX_SAFE_INTEGER;

export type Cover = (dealId: string, kind: AssociationKind, at: number, members: string[]) => void;

/**
 * Takes the run's snapshots (one call per kind that some deal needs, side by side: they are on the way to the tasks)
 * and returns the associations merges moved that the timeline couldn't know (`movedByMerges`).
 */
export async function takeSnapshots(
  ctx: { client: HubSpotClient; now: number; readAt: number },
  need: { set: CompiledPolicySet; kinds: AssociationKind[]; deals: DealSnapshot[]; merges: MergeOf[] },
  timeline: AssociationTimeline,
  cover: Cover,
): Promise<Result<AssociationEntry[], HubSpotError>> {
  const wanted = kindsToSnapshot(need.set, need.kinds, need.deals, timeline, ctx.now);
  const reads = await Promise.all(
    need.kinds.map(async (kind) => {
      const first = need.deals.filter((d) => !timeline.coverage.has(`${d.deal.id}|${kind}`));
      // A deal seen before but never counted, merged away: what the merge moved is also read on the survivor below.
      const gaps = uncountedMerges(timeline, need.merges.filter((m) => !first.some((d) => d.deal.id === m.dealId && d.state === undefined)), kind);
      // A deal merged away: HubSpot moved its associations to the survivor, so a snapshot now tells nothing. Its
      // timeline is its own association events since its creation (the earliest entry of its history).
      for (const d of first.filter((x) => x.mergedInto !== null)) cover(d.deal.id, kind, createdAt(d) - 1, []);
      const live = first.filter((d) => d.mergedInto === null);
      const snap = wanted.has(kind) ? live.map((d) => d.deal.id) : [];
      const ids = [...new Set([...snap, ...gaps.map((m) => m.into)])];
      return { kind, snap, gaps, read: ids.length === 0 ? null : await listAssociatedIds(ctx.client, kind, ids) };
    }),
  );
  const moved: AssociationEntry[] = [];
  for (const { kind, snap, gaps, read } of reads) {
    if (read === null) continue;
    if (!read.ok) return read;
    for (const dealId of snap) cover(dealId, kind, ctx.readAt, read.value.get(dealId) ?? []);
    moved.push(...movedByMerges(timeline, gaps, kind, read.value));
  }
  return { ok: true, value: moved };
}

/**
 * The kinds some live deal of the run needs counted and has no timeline of yet: it was created, its changes' verdicts
 * or an open violation's re-check turn on the count (association-needs.ts), or an expression reads it (any may matter).
 */
function kindsToSnapshot(set: CompiledPolicySet, kinds: AssociationKind[], deals: DealSnapshot[], timeline: AssociationTimeline, now: number): Set<AssociationKind> {
  const out = new Set(expressionAssociations(set).filter((k) => kinds.includes(k)));
  for (const d of deals) {
    if (out.size === kinds.length) break;
    const uncovered = kinds.filter((k) => !out.has(k) && !timeline.coverage.has(`${d.deal.id}|${k}`));
    if (d.mergedInto !== null || uncovered.length === 0) continue;
    // A deal seen at its creation: its timeline starts then, before any move. Snapshotted only when a move needs it,
    // the read comes moments after the move, and an association added just after (its event not yet delivered, or
    // stamped by a clock a little ahead) would count at the move.
    const created = d.group.changes.some((c) => c.kind === "created");
    for (const k of created ? uncovered : associationNeeds(set, uncovered, d.built.map((b) => b.change), d.current, d.open, now)) out.add(k);
  }
  return out;
}

/**
 * Merges whose merged-away deal's `kind` the engine never counted (seen before, no rule needed it) while the
 * survivor's timeline reaches back before the merge: the merged deal's own events since its creation may miss what it
 * had before the engine saw it — HubSpot moved that too (a survivor counted only from after the merge has it in its
 * snapshot). Skipped once an entry at the merge's time is logged on the survivor (read in an earlier run).
 */
export function uncountedMerges(timeline: AssociationTimeline, merges: MergeOf[], kind: AssociationKind): MergeOf[] {
  return merges.filter((m) => {
    const since = timeline.coverage.get(`${m.into}|${kind}`);
    if (since === undefined || since >= m.at || membersAt(timeline, m.dealId, kind, m.at).known) return false;
    return !timeline.entries.some((e) => e.dealId === m.into && e.kind === kind && e.occurredAt === m.at && e.source === "event");
  });
}

/**
 * What those merges moved: the survivor's associations now that its timeline doesn't have, added at the merge's time
 * as if announced (HubSpot sends no deal.associationChange for them; see mergedInEntries). Pure.
 */
export function movedByMerges(timeline: AssociationTimeline, merges: MergeOf[], kind: AssociationKind, read: Map<string, string[]>): AssociationEntry[] {
  const out: AssociationEntry[] = [];
  const taken = new Set<string>();
  for (const m of [...merges].sort((a, b) => a.at - b.at)) {
    const known = membersAt(timeline, m.into, kind, NOW_AND_AFTER).members;
    for (const toId of read.get(m.into) ?? []) {
      if (known.has(toId) || taken.has(`${m.into}|${toId}`)) continue;
      taken.add(`${m.into}|${toId}`);
      out.push({ dealId: m.into, kind, toId, removed: false, occurredAt: m.at, source: "event" });
    }
  }
  return out;
}

/** When the deal was created: the earliest entry of its history (every deal has its creation's values there). */
function createdAt(d: DealSnapshot): number {
  const times = Object.values(d.deal.history).flatMap((entries) => entries.map((e) => e.timestamp));
  return times.length === 0 ? (d.built[0]?.change.occurredAt ?? 0) : Math.min(...times);
}
