// THE ONE PLACE for the readings of HubSpot's pipelines-rules 2026-09-beta reference that it leaves open. Everything
// else in src/policy/native/ builds on these functions; correct a reading here and plan/apply/drift/simulator follow.
//
// Reading 1 — noSkippingStagesRule.pipelineStageIds lists the PROTECTED stages: the stages a deal may not ENTER by
//   skipping the open stage(s) before it. `enabledForAllStages: true` protects every stage, closed ones included.
//   (The reference only says "pipelineStageIds"; the UI's wording "restrict skipping stages" with a stage picker
//   reads the same way. The other reading — stages that may not be skipped OVER — would list the intermediate
//   stages instead.)
// Reading 2 — noBackwardsMovementRule.pipelineStageIds lists the stages a deal may not ENTER by a backward move
//   (so "backward allowed to Closed Lost" = every stage but Closed Lost). `enabledForAllStages: true` = all stages.
// Reading 3 — objectCreationRule.pipelineStageIds lists the stages a deal MAY be created in (the reference says so).
// Reading 4 — stage-edit-permissions `superAdmin: true` means super admins keep edit access to a RESTRICTED stage
//   (HubSpot documents that super admins bypass pipeline rules; we never try to lock them out).
// Reading 5 — an absent rule (or `null`) and `{ enabledForAllStages: false, pipelineStageIds: [] }` mean the same:
//   no restriction. Stages missing from a stage-edit-permissions answer are OPEN.
// Reading 6 — "skipping" counts open stages only: moving into a closed (won/lost) stage from anywhere is not a
//   skip unless the policy says `allowSkipToClosed: false` — HubSpot's UI also lets reps close from any stage
//   unless the closed stages are protected.
import type { PipelineInfo, StageInfo } from "../portal-index";
import type { StageRule, StagePermission } from "./types";

/** Reading 1 + 6: the stages protected by `maxSkip: 0` (optionally only for the given target stages). */
export function noSkippingRule(pipeline: PipelineInfo, targets: ReadonlySet<string> | "any", allowSkipToClosed: boolean): StageRule {
  const first = pipeline.ordered[0]?.id;
  const protectedIds = pipeline.ordered
    .filter((s) => s.id !== first && (allowSkipToClosed ? !s.isClosed : true))
    .filter((s) => targets === "any" || targets.has(s.id))
    .map((s) => s.id);
  return toStageRule(pipeline, protectedIds, first);
}

/** Reading 2: the stages protected by `backward: deny` except `allowedTo` (optionally only for the given targets). */
export function noBackwardsRule(pipeline: PipelineInfo, allowedTo: ReadonlySet<string>, targets: ReadonlySet<string> | "any"): StageRule {
  const last = pipeline.ordered.at(-1)?.id;
  // The last stage can never be entered backward: listing it would change nothing.
  const protectedIds = pipeline.ordered
    .filter((s) => !allowedTo.has(s.id) && s.id !== last && (targets === "any" || targets.has(s.id)))
    .map((s) => s.id);
  return toStageRule(pipeline, protectedIds, last);
}

/** Reading 3. */
export function creationRule(pipeline: PipelineInfo, allowed: ReadonlySet<string>): { pipelineStageIds: string[] } {
  return { pipelineStageIds: pipeline.ordered.filter((s) => allowed.has(s.id)).map((s) => s.id) };
}

/** Reading 4 + 5: every stage of the pipeline, OPEN unless restricted. */
export function stagePermissions(pipeline: PipelineInfo, restricted: ReadonlyMap<string, { userIds: string[]; teamIds: string[] }>): StagePermission[] {
  return pipeline.ordered.map((s: StageInfo) => {
    const r = restricted.get(s.id);
    return r === undefined
      ? { pipelineStageId: s.id, permissionMode: "OPEN", userIds: [], teamIds: [], superAdmin: true }
      : { pipelineStageId: s.id, permissionMode: "RESTRICTED", userIds: [...r.userIds].sort(), teamIds: [...r.teamIds].sort(), superAdmin: true };
  });
}

/** Reading 5: the normal form used for diffs (absent ≡ disabled; ids in pipeline order). */
export function normalizeStageRule(rule: StageRule | null | undefined, pipeline: PipelineInfo | undefined): StageRule | null {
  if (rule === null || rule === undefined) return null;
  if (!rule.enabledForAllStages && rule.pipelineStageIds.length === 0) return null;
  if (rule.enabledForAllStages) return { enabledForAllStages: true, pipelineStageIds: [] };
  const order = new Map(pipeline?.ordered.map((s) => [s.id, s.index]) ?? []);
  const ids = [...new Set(rule.pipelineStageIds)].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b));
  return { enabledForAllStages: false, pipelineStageIds: ids };
}

/** Whether a stage is protected by a rule (the simulator and the coverage view ask this). */
export function protects(rule: StageRule | null | undefined, stageId: string): boolean {
  if (rule === null || rule === undefined) return false;
  return rule.enabledForAllStages || rule.pipelineStageIds.includes(stageId);
}

/** `ignorable`: the one stage the rule can't apply to (the first for skips, the last for backward moves). */
function toStageRule(pipeline: PipelineInfo, ids: string[], ignorable: string | undefined): StageRule {
  const everyStage = pipeline.ordered.every((s) => ids.includes(s.id) || s.id === ignorable);
  return everyStage && ids.length > 0 ? { enabledForAllStages: true, pipelineStageIds: [] } : { enabledForAllStages: false, pipelineStageIds: ids };
}
