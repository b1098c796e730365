// What a back-test replays: each deal's changes as they were judged (values and association counts as of the change),
// plus the deal's stage history (the stage entries no change stands for — the engine's own reverts). Sources fill it:
// the engine's recorded changes (sources/recorded.ts) or HubSpot's property history (sources/hubspot-history.ts).
import type { HistoryEntry } from "../hubspot/deals";
import type { BuiltChange } from "../enforcement/build-change";

export interface HistoryDeal {
  dealId: string;
  portalId: number;
  /** Oldest first; each as judged (as of its time). */
  changes: BuiltChange[];
  /** The deal's dealstage and pipeline history, oldest first (empty when the source has none). */
  stageHistory: HistoryEntry[];
  pipelineHistory: HistoryEntry[];
  /** Stages the engine reverted this deal to (tells its reverts apart in the stage history). */
  revertedTo: string[];
}

export interface BacktestHistory {
  source: "engine" | "hubspot";
  deals: HistoryDeal[];
  /** The properties each change carries values for: a rule reading another one sees it absent. */
  properties: string[];
}

/** A window of time, epoch ms, `from` inclusive and `to` exclusive. */
export interface BacktestWindow {
  from: number;
  to: number;
}

/** Where a back-test's history comes from: an adapter (D1, wrangler, HubSpot) the caller passes in. */
export interface HistorySource {
  /** The deals changed in the window with their changes up to its end (earlier ones too: they set what is open). */
  load(window: BacktestWindow): Promise<{ ok: true; value: BacktestHistory } | { ok: false; error: string }>;
}

/** How many changes of the history fall in the window. */
export function countChanges(history: BacktestHistory, window: BacktestWindow): number {
  let n = 0;
  for (const deal of history.deals) for (const b of deal.changes) if (b.change.occurredAt >= window.from && b.change.occurredAt < window.to) n++;
  return n;
}
