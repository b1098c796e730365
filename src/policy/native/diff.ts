// Desired native configuration vs what a portal has: per pipeline, the differences in plain words (plan/drift) and
// whether the rules and/or the stage permissions need writing (apply). Compared in normal form (mapping.ts, reading 5).
import type { PipelineInfo, PortalIndex } from "../portal-index";
import { describeFilterBranch } from "./filter";
import { normalizeStageRule } from "./mapping";
import type { ApprovalStage, NativePipelineConfig, PipelineRules, StagePermission, StageRule } from "./types";

export interface CurrentNative {
  pipelineId: string;
  rules: PipelineRules;
  stagePermissions: StagePermission[];
}

export interface DiffLine {
  what: string;
  current: string;
  desired: string;
}

export interface PipelineDiff {
  pipelineId: string;
  pipelineLabel: string;
  rulesDiffer: boolean;
  permissionsDiffer: boolean;
  lines: DiffLine[];
}

/** One entry per desired pipeline; `lines` is empty when the portal already matches. */
export function diffNative(desired: readonly NativePipelineConfig[], current: readonly CurrentNative[], index: PortalIndex): PipelineDiff[] {
  return desired.map((want) => {
    const pipeline = index.pipelines.get(want.pipelineId);
    const have = current.find((c) => c.pipelineId === want.pipelineId);
    const label = (id: string) => pipeline?.stages.get(id)?.label ?? id;
    const lines: DiffLine[] = [];
    const stageRule = (what: string, a: StageRule | null | undefined, b: StageRule | null) => {
      const x = describeStageRule(normalizeStageRule(a, pipeline), label);
      const y = describeStageRule(normalizeStageRule(b, pipeline), label);
      if (x !== y) lines.push({ what, current: x, desired: y });
    };
    stageRule("no skipping stages", have?.rules.noSkippingStagesRule, want.rules.noSkippingStagesRule);
    stageRule("no backward moves", have?.rules.noBackwardsMovementRule, want.rules.noBackwardsMovementRule);
    const creation = (r: PipelineRules["objectCreationRule"] | undefined) =>
      r === null || r === undefined ? "any stage" : sortIds(r.pipelineStageIds, pipeline).map(label).join(", ") || "no stage";
    if (creation(have?.rules.objectCreationRule) !== creation(want.rules.objectCreationRule)) {
      lines.push({ what: "creation stages", current: creation(have?.rules.objectCreationRule), desired: creation(want.rules.objectCreationRule) });
    }
    const approvalNow = describeApproval(have?.rules.approvalStage ?? null, label);
    const approvalWanted = describeApproval(want.rules.approvalStage, label);
    if (approvalNow !== approvalWanted) lines.push({ what: "approval gate", current: approvalNow, desired: approvalWanted });
    const rulesDiffer = lines.length > 0;
    let permissionsDiffer = false;
    for (const p of want.stagePermissions) {
      const now = have?.stagePermissions.find((x) => x.pipelineStageId === p.pipelineStageId);
      const a = describePermission(now);
      const b = describePermission(p);
      if (a === b) continue;
      permissionsDiffer = true;
      lines.push({ what: `who edits deals in ${label(p.pipelineStageId)}`, current: a, desired: b });
    }
    return { pipelineId: want.pipelineId, pipelineLabel: want.pipelineLabel, rulesDiffer, permissionsDiffer, lines };
  });
}

function sortIds(ids: readonly string[], pipeline: PipelineInfo | undefined): string[] {
  const order = new Map(pipeline?.ordered.map((s) => [s.id, s.index]) ?? []);
  return [...new Set(ids)].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b));
}

function describeStageRule(rule: StageRule | null, label: (id: string) => string): string {
  if (rule === null) return "off";
  if (rule.enabledForAllStages) return "all stages";
  return rule.pipelineStageIds.map(label).join(", ");
}

function describeApproval(a: ApprovalStage | null, label: (id: string) => string): string {
  if (a === null) return "none";
  const users = [...a.approverUserIds].sort().join(", ");
  const condition = a.conditionalApprovalFilterBranch === null ? "always" : `when ${describeFilterBranch(a.conditionalApprovalFilterBranch)}`;
  return `before ${label(a.pipelineStageId)}, ${a.approvalMode} of users ${users}, ${condition}${a.approvalComment ? ` ("${a.approvalComment}")` : ""}`;
}

function describePermission(p: StagePermission | undefined): string {
  if (p === undefined || p.permissionMode === "OPEN") return "everyone";
  const who = [...[...p.userIds].sort().map((u) => `user ${u}`), ...[...p.teamIds].sort().map((t) => `team ${t}`)];
  return `only ${who.join(", ") || "nobody"}${p.superAdmin ? " (and super admins)" : ""}`;
}
