// One back-test: the history replayed through the draft set (and, to compare, through the set it would replace),
// summed up per rule, with the exact difference. Pure: the history and the compiled sets come in as arguments.
import type { PortalMetadata } from "../enforcement/portal-metadata";
import { requiredProperties, updateTriggers, type CompiledPolicySet } from "../policy";
import { diffBacktests, type RuleDiff } from "./diff";
import { countChanges, type BacktestHistory, type BacktestWindow } from "./history";
import { replayHistory } from "./replay";
import { summarizeHits, type BacktestReport } from "./report";
import { uncountedChanges, type Uncounted } from "./uncounted";

export interface BacktestInput {
  history: BacktestHistory;
  window: BacktestWindow;
  draft: CompiledPolicySet;
  /** The set to compare with (what runs today); null: no comparison. */
  against: CompiledPolicySet | null;
  metadata: PortalMetadata;
  /** Examples per rule (default 3). */
  examples?: number;
}

export interface BacktestResult {
  source: BacktestHistory["source"];
  window: BacktestWindow;
  draft: BacktestReport;
  against: BacktestReport | null;
  diff: RuleDiff[] | null;
  /**
   * Properties the draft reads that the history carries no values for (the engine records only what its live set
   * read): rules reading them see them absent. Empty for a HubSpot history (every property the draft reads is read).
   */
  unrecorded: string[];
  /**
   * Properties the draft fires on (`on: propertyChanged`) that the set it is compared with doesn't: the engine reads
   * an edit no running rule fires on only when the deal has an open violation (enforcement/split-unread.ts), so most
   * such edits have no recorded change of their own. Empty for a HubSpot history or without a set to compare with.
   */
  unrecordedEdits: string[];
  /**
   * Changes on which the draft's verdict turns on an association count the engine never took (no running rule needed
   * it yet: recorded as 0). Zero for a HubSpot history.
   */
  uncounted: Uncounted;
}

/** Runs the back-test. Never throws. */
export function runBacktest(input: BacktestInput): BacktestResult {
  const { history, window, metadata } = input;
  const examples = input.examples ?? 3;
  const counts = { window, changes: countChanges(history, window), deals: dealsIn(history, window) };
  const replay = (set: CompiledPolicySet) => summarizeHits(set, replayHistory(history, { set, metadata, window }), counts, examples);
  const draft = replay(input.draft);
  const against = input.against === null ? null : replay(input.against);
  const recorded = new Set(history.properties);
  return {
    source: history.source,
    window,
    draft,
    against,
    diff: against === null ? null : diffBacktests(draft, against, examples),
    unrecorded: history.source === "engine" ? requiredProperties(input.draft).filter((p) => !recorded.has(p)) : [],
    unrecordedEdits: history.source === "engine" && input.against !== null ? editsNotRead(input.draft, input.against) : [],
    uncounted: history.source === "engine" ? uncountedChanges(history, window, input.draft) : { kinds: [], changes: 0 },
  };
}

/** What the draft fires on that the running set's reads skipped; stage and pipeline moves are always read. */
function editsNotRead(draft: CompiledPolicySet, running: CompiledPolicySet): string[] {
  const ran = updateTriggers(running);
  if (ran.anyUpdate) return [];
  return [...updateTriggers(draft).properties].filter((p) => p !== "dealstage" && p !== "pipeline" && !ran.properties.has(p)).sort();
}

function dealsIn(history: BacktestHistory, window: BacktestWindow): number {
  return history.deals.filter((d) => d.changes.some((b) => b.change.occurredAt >= window.from && b.change.occurredAt < window.to)).length;
}
