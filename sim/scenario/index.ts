// Scenarios that play simulated reps against a portal (only "demo" so far). They act through the store as users,
// imports and workflows — never through the CRM API, which is the engine's side.
export { createScenarioState, playDemoStep, prepareDemoPortal, runDemo, type DemoOptions } from "./demo";
export { runBackfill, type BackfillOptions, type BackfillSummary } from "./backfill";
export type { MoveKind, MoveResult, PendingFix, ScenarioState } from "./moves";
