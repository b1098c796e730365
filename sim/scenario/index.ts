// Scenarios that play simulated reps against a portal (only "demo" so far). They act through the store as users,
// imports and workflows — never through the CRM API, which is the engine's side.
export { createScenarioState, playDemoStep, prepareDemoPortal, runDemo, type DemoOptions } from "./demo";
export type { MoveKind, MoveResult, ScenarioState } from "./moves";
