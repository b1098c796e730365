// Late events: a revert undoes the deal's current stage, so it is only right while the violating change is still the
// deal's latest stage change in HubSpot's history. A late delivery (or redelivery) of a skip A→C that arrives after the
// rep moved C→B→C must not send the deal back. Pure.
import type { DealSnapshot } from "./snapshot";

/** History and webhook timestamps of one save can differ by a moment; a later change is further away than this. */
const SAME_CHANGE_MS = 1_000;

export interface LatestStageChange {
  at: number;
  value: string;
}

/** The latest `dealstage` entry of each deal's history, from the batch read. */
export function latestStageChanges(deals: DealSnapshot[]): Map<string, LatestStageChange> {
  const out = new Map<string, LatestStageChange>();
  for (const d of deals) {
    const last = d.deal.history.dealstage?.at(-1);
    if (last !== undefined) out.set(d.deal.id, { at: last.timestamp, value: last.value });
  }
  return out;
}

/**
 * Why the change at `occurredAt` is no longer the deal's latest stage change (a plain sentence for the trace), or
 * null when it still is — or when the history doesn't say.
 */
export function supersededBy(latest: LatestStageChange | undefined, occurredAt: number, stageLabel: (id: string) => string): string | null {
  if (latest === undefined || latest.at <= occurredAt + SAME_CHANGE_MS) return null;
  return `not reverted: the deal's stage changed again after this move (to ${stageLabel(latest.value)} at ${new Date(latest.at).toISOString()}), so moving it back would undo a later change`;
}
