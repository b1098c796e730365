// Step 2, evaluate (PURE): the Snapshot's deals, each change built once, judged against the compiled policies as of
// when it happened → one DealEvaluation per deal (violations, transitions, close-date pushes, resolutions, state).
// No env, no fetch, no D1, no clock: everything comes in as arguments.
import type { Mode } from "../policy";
import { evaluateDeal, type DealEvaluation } from "./evaluate-deal";
import type { LiveSnapshot } from "./snapshot";

export type { DealEvaluation, DetectedViolation } from "./evaluate-deal";

/** The verdicts on every deal of the snapshot, in the snapshot's order. Never throws. */
export function evaluateSnapshot(live: LiveSnapshot | null, o: { modeOverride: Mode | null }): DealEvaluation[] {
  if (live === null) return [];
  const revertedTo = new Map<string, Set<string>>();
  for (const r of live.reverts.values()) if (r.status === "done" || r.status === "planned") revertedTo.set(r.deal_id, (revertedTo.get(r.deal_id) ?? new Set()).add(r.to_stage));
  const options = { set: live.set, properties: live.properties, metadata: live.metadata, modeOverride: o.modeOverride, revertedTo };
  return live.deals.map((deal) => evaluateDeal(deal, options));
}
