// The policy core: load → validate → resolve → compile → evaluate, over YAML policy files and a portal schema.
// PURE: never reads env, fetch, D1 or the clock (`now` is passed in), does no I/O; evaluation never throws.
export type * from "./types";
export { loadPolicySet } from "./load-set";
export { evaluateChange, explainChange } from "./evaluate";
export { recheckViolation } from "./recheck";
export { anchoredChange, isMoveRule, judgeMoveFrom, moveComplies, type MoveAnchor } from "./move-compliance";
export { requiredProperties, countingRules, neededAssociations, expressionAssociations, updateTriggers, type UpdateTriggers } from "./requirements";
export { formatPolicyError } from "./errors";
export { parsePortalSchema, PortalSchemaSchema } from "./portal";
export { normalizeChangeSource } from "./source";
export { addBusinessDays } from "./business-days";
export { FALLBACK_TIME_ZONE, isKnownTimeZone, nextZonedMidnight, startOfZonedDay, usableTimeZone, zonedParts } from "./zoned-time";
export { hashText } from "./version";
export { buildDealChange, ChangeSpecSchema, type ChangeSpec } from "./change-spec";
export { runPolicyTestFile, PolicyTestSchema, type TestCaseResult } from "./policy-tests";
export { replayViolation } from "./trace";
export { describeMissing } from "./describe-missing";
export { associationKindWords } from "./wording";
export { snapshotRules, diffRuleSnapshots, type RuleSnapshot, type RuleChange, type RuleChangeKind } from "./rule-snapshot";
export { diffLines, type DiffLine } from "./line-diff";
export { overlayPolicyFiles } from "./overlay";
