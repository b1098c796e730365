// The policy set → HubSpot's native configuration per pipeline: every `native+engine` rule that compiles, merged
// (protected stages united, creation stages intersected, one approval gate per pipeline), plus a report per rule.
import { isInternalSet, type PolicyPlan } from "../plan";
import type { PipelineInfo, PortalIndex } from "../portal-index";
import type { CompiledPolicySet } from "../types";
import { analyzeRule, describePiece, type NativePiece } from "./analyze";
import { creationRule, noBackwardsRule, noSkippingRule, normalizeStageRule, stagePermissions } from "./mapping";
import type { NativePipelineConfig, NativePlan, PipelineRules, RuleNativeReport, StageRule } from "./types";

/** Compiles a loaded policy set. Pure; never throws. */
export function compileNativePlan(set: CompiledPolicySet): NativePlan {
  if (!isInternalSet(set)) return { pipelines: [], rules: [] };
  return planNative(set.plans, set.index);
}

/** The same over compiled plans (used by loadPolicySet to refuse uncompilable native+engine rules). */
export function planNative(plans: readonly PolicyPlan[], index: PortalIndex): NativePlan {
  const accepted = new Map<string, NativePiece[]>();
  const approvalOwner = new Map<string, string>();
  const editOwner = new Map<string, string>();
  const rules: RuleNativeReport[] = [];
  for (const policy of plans) {
    for (const rule of policy.rules) {
      const analysis = analyzeRule(policy, rule, index);
      const blockers = [...analysis.blockers];
      const name = `${policy.id}/${rule.id}`;
      if (rule.enforcement === "native+engine" && blockers.length === 0) {
        // Conflicts with rules compiled before this one: HubSpot has one approval gate per pipeline, one permission per stage.
        for (const piece of analysis.pieces) {
          if (piece.kind === "approval") {
            const other = approvalOwner.get(piece.pipeline.id);
            if (other !== undefined && other !== name) blockers.push(`${piece.pipeline.label} already has its one approval gate (from ${other})`);
          }
          if (piece.kind === "edit-permission") {
            const other = editOwner.get(`${piece.pipeline.id}/${piece.stageId}`);
            if (other !== undefined && other !== name) blockers.push(`edit permissions of ${piece.pipeline.stages.get(piece.stageId)?.label ?? piece.stageId} already come from ${other}`);
          }
        }
      }
      const compiled = rule.enforcement === "native+engine" && blockers.length === 0;
      if (compiled) {
        for (const piece of analysis.pieces) {
          accepted.set(piece.pipeline.id, [...(accepted.get(piece.pipeline.id) ?? []), piece]);
          if (piece.kind === "approval") approvalOwner.set(piece.pipeline.id, name);
          if (piece.kind === "edit-permission") editOwner.set(`${piece.pipeline.id}/${piece.stageId}`, name);
        }
      }
      rules.push({
        policyId: policy.id,
        ruleId: rule.id,
        file: policy.file,
        enforcement: rule.enforcement,
        mode: rule.mode,
        native: blockers.length === 0 ? analysis.pieces.map(describePiece) : [],
        blockers,
        compiled,
      });
    }
  }
  const pipelines = [...index.pipelines.values()].map((p) => buildPipeline(p, accepted.get(p.id) ?? []));
  return { pipelines, rules };
}

function buildPipeline(pipeline: PipelineInfo, pieces: NativePiece[]): NativePipelineConfig {
  const skip: StageRule[] = [];
  const back: StageRule[] = [];
  let created: Set<string> | null = null;
  const rules: PipelineRules = { noSkippingStagesRule: null, noBackwardsMovementRule: null, objectCreationRule: null, approvalStage: null };
  const restricted = new Map<string, { userIds: string[]; teamIds: string[] }>();
  for (const piece of pieces) {
    switch (piece.kind) {
      case "no-skipping":
        skip.push(noSkippingRule(pipeline, piece.targets, piece.allowSkipToClosed));
        break;
      case "no-backwards":
        back.push(noBackwardsRule(pipeline, piece.allowedTo, piece.targets));
        break;
      case "creation":
        created = intersect(created, piece.allowed);
        break;
      case "approval":
        rules.approvalStage = piece.stage;
        break;
      case "edit-permission":
        restricted.set(piece.stageId, { userIds: piece.userIds, teamIds: piece.teamIds });
        break;
    }
  }
  rules.noSkippingStagesRule = unite(skip, pipeline);
  rules.noBackwardsMovementRule = unite(back, pipeline);
  if (created !== null) rules.objectCreationRule = creationRule(pipeline, created);
  return { pipelineId: pipeline.id, pipelineLabel: pipeline.label, rules, stagePermissions: stagePermissions(pipeline, restricted) };
}

/** Two rules restricting creation stages: a deal must satisfy both. */
function intersect(current: Set<string> | null, allowed: ReadonlySet<string>): Set<string> {
  if (current === null) return new Set(allowed);
  return new Set([...current].filter((id) => allowed.has(id)));
}

/** Two rules protecting stages: HubSpot has one rule, protecting the union. */
function unite(rules: StageRule[], pipeline: PipelineInfo): StageRule | null {
  if (rules.length === 0) return null;
  if (rules.some((r) => r.enabledForAllStages)) return { enabledForAllStages: true, pipelineStageIds: [] };
  return normalizeStageRule({ enabledForAllStages: false, pipelineStageIds: rules.flatMap((r) => r.pipelineStageIds) }, pipeline);
}
