// Back-testing (issue 14): what a policy set would have done on real history, judged by the engine's own evaluation
// (enforcement/evaluate-deal.ts over the policy core) — never a second evaluator. PURE: no env, fetch, D1 or clock;
// histories come from adapters the caller runs (sources/: decoding is pure; hubspot-read.ts does I/O through the
// client it is given), so the Node CLI and the Worker share this core.
export type { BacktestHistory, BacktestWindow, HistoryDeal, HistorySource } from "./history";
export { countChanges } from "./history";
export { replayHistory, type BacktestHit, type ReplayOptions } from "./replay";
export { summarizeHits, weekOf, type BacktestReport, type RuleSummary } from "./report";
export { diffBacktests, type RuleDiff, type RuleChange } from "./diff";
export { runBacktest, type BacktestInput, type BacktestResult } from "./run";
export { historyFromRecorded } from "./sources/recorded";
export { historyFromHubSpot, CONTACT_COUNT_PROPERTY, type HubSpotHistoryOptions } from "./sources/hubspot-history";
export { propertiesToRead, readHubSpotHistory, SEARCH_RESULT_CAP, type HubSpotHistoryRead, type HubSpotReadError } from "./sources/hubspot-read";
