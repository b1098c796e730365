// Native enforcement: the policy set compiled into HubSpot's own pipeline rules (pipelines-rules 2026-09-beta),
// the diff against a portal, and who enforces what per change source. PURE like the rest of src/policy: no fetch.
// The readings of the API reference that it leaves open live in mapping.ts only.
export type * from "./types";
export { compileNativePlan } from "./compile";
export { diffNative, type CurrentNative, type DiffLine, type PipelineDiff } from "./diff";
export { computeCoverage, COVERAGE_SOURCES, type CoverageCell, type CoverageRow, type CoverageSource } from "./coverage";
export { translateCondition } from "./filter";
export { protects } from "./mapping";
