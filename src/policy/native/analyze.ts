// One rule → the pieces of native configuration it means, and every reason HubSpot can't enforce (part of) it.
// Reasons are plain language: the CLI lists them for engine-only rules and `check` prints them for native+engine.
import type { ActorMatcher, PolicyPlan, RulePlan } from "../plan";
import type { PipelineInfo, PortalIndex } from "../portal-index";
import type { ChangeSourceKind } from "../types";
import { translateCondition } from "./filter";
import type { ApprovalStage } from "./types";

export type NativePiece =
  | { kind: "no-skipping"; pipeline: PipelineInfo; targets: ReadonlySet<string> | "any"; allowSkipToClosed: boolean }
  | { kind: "no-backwards"; pipeline: PipelineInfo; allowedTo: ReadonlySet<string>; targets: ReadonlySet<string> | "any" }
  | { kind: "creation"; pipeline: PipelineInfo; allowed: ReadonlySet<string> }
  | { kind: "approval"; pipeline: PipelineInfo; stage: ApprovalStage }
  | { kind: "edit-permission"; pipeline: PipelineInfo; stageId: string; userIds: string[]; teamIds: string[] };

export interface RuleAnalysis {
  pieces: NativePiece[];
  blockers: string[];
}

/** Change sources HubSpot's rules never apply to: exempting them changes nothing natively. */
const BYPASS: ReadonlySet<ChangeSourceKind> = new Set(["import", "workflow", "integration", "internal"]);

export function analyzeRule(policy: PolicyPlan, rule: RulePlan, index: PortalIndex): RuleAnalysis {
  const blockers: string[] = [];
  const s = policy.scope;
  if (s.ownersInclude || s.ownersExclude || s.teamsInclude || s.teamsExclude) blockers.push("the policy is scoped by deal owner or team");
  if (s.when !== null) blockers.push(`a policy-wide CEL condition (scope.when: ${s.when.source})`);
  if (rule.when !== null) blockers.push(`a CEL condition (when: ${rule.when.source})`);
  if (rule.assert !== null) blockers.push(`a CEL assertion (assert: ${rule.assert.source})`);
  if (rule.require.length > 0) blockers.push(`required properties (${rule.require.map((r) => r.property).join(", ")}): HubSpot sets those per stage in its UI only`);
  if (rule.associations.length > 0) blockers.push("association counts");
  if (rule.appliesTo !== null) blockers.push(`actor or source scoping (appliesTo: ${rule.appliesTo.map((m) => m.text).join(" | ")})`);
  const actorExempt = rule.exempt.filter((m) => !isBypassOnly(m));
  if (actorExempt.length > 0) blockers.push(`exemptions HubSpot can't make (exempt: ${actorExempt.map((m) => m.text).join(" | ")})`);
  if (rule.exceptions.length > 0) blockers.push(`exceptions (${rule.exceptions.map((e) => `${e.reason}, until ${e.expires}`).join("; ")})`);
  if (rule.mode === "audit") blockers.push("audit mode: HubSpot can only block, it has no warn-only mode");
  if (rule.mode === "warn") blockers.push("warn mode: HubSpot can only block; the engine gives the rep a task and reverts nothing");
  if (rule.inStages !== null) blockers.push("inStages (HubSpot's rules don't look at the current stage)");
  const t = rule.triggers;
  if (rule.explicitTriggers && (t.properties !== null || t.scan || t.exited !== null)) blockers.push("property-change, stage-exit or scheduled triggers");
  const pipelines = [...index.pipelines.values()].filter((p) => policy.scope.pipelines === null || policy.scope.pipelines.has(p.id));
  const pieces: NativePiece[] = [];
  const targets: ReadonlySet<string> | "any" = t.entered === null || t.changed ? "any" : t.entered;
  if (rule.transition !== null) {
    const tr = rule.transition;
    if (tr.maxSkip !== null && tr.maxSkip > 0) blockers.push(`skipping up to ${tr.maxSkip} stage(s): HubSpot allows either no skip or any`);
    if (tr.allowed.size > 0) blockers.push("per-stage allowed transitions");
    if (tr.terminal.length > 0) blockers.push("terminal stages and who may leave them");
    for (const pipeline of pipelines) {
      if (tr.maxSkip === 0) pieces.push({ kind: "no-skipping", pipeline, targets, allowSkipToClosed: tr.allowSkipToClosed });
      if (tr.backward === "deny") pieces.push({ kind: "no-backwards", pipeline, allowedTo: tr.backwardAllowedTo, targets });
      if (tr.createdIn !== null) pieces.push({ kind: "creation", pipeline, allowed: tr.createdIn });
    }
  }
  if (rule.approval !== null) {
    const a = rule.approval;
    const bad = a.approvers.filter((u) => !/^\d+$/.test(u));
    if (bad.length > 0) blockers.push(`approvers must be HubSpot user ids (${bad.join(", ")})`);
    const filter = a.when === null ? null : translateCondition(a.when.source, index);
    if (filter !== null && !filter.ok) blockers.push(`the approval condition doesn't fit HubSpot's filter language: ${filter.error}`);
    for (const pipeline of pipelines) {
      const stage = pipeline.ordered.find((st) => a.stages.has(st.id));
      if (stage === undefined) continue;
      pieces.push({
        kind: "approval",
        pipeline,
        stage: {
          pipelineStageId: stage.id,
          approvalMode: a.mode,
          approverUserIds: [...a.approvers],
          approvalComment: a.comment ?? "",
          conditionalApprovalFilterBranch: filter?.ok === true ? filter.value : null,
        },
      });
    }
  }
  if (rule.restrictEdits !== null) {
    const r = rule.restrictEdits;
    const users = [...(r.users ?? [])];
    if (users.some((u) => !/^\d+$/.test(u))) blockers.push("restrictEdits users must be HubSpot user ids");
    if (rule.explicitTriggers) blockers.push("restrictEdits with its own triggers (HubSpot restricts every edit in the stage)");
    for (const pipeline of pipelines) {
      for (const st of pipeline.ordered) if (r.stages.has(st.id)) pieces.push({ kind: "edit-permission", pipeline, stageId: st.id, userIds: users, teamIds: [...(r.teams ?? [])] });
    }
  }
  if (pieces.length === 0 && blockers.length === 0) blockers.push("nothing in it that HubSpot's pipeline rules express");
  return { pieces, blockers };
}

function isBypassOnly(m: ActorMatcher): boolean {
  return m.sources !== null && m.users === null && m.teams === null && m.managers === null && m.owner === null && [...m.sources].every((s) => BYPASS.has(s));
}

/** One line per piece, for plan output and the coverage view. */
export function describePiece(piece: NativePiece): string {
  const label = (id: string) => piece.pipeline.stages.get(id)?.label ?? id;
  switch (piece.kind) {
    case "no-skipping":
      return `${piece.pipeline.label}: no skipping stages${piece.targets === "any" ? "" : ` into ${[...piece.targets].map(label).join(", ")}`}`;
    case "no-backwards":
      return `${piece.pipeline.label}: no backward moves${piece.allowedTo.size > 0 ? ` (except to ${[...piece.allowedTo].map(label).join(", ")})` : ""}`;
    case "creation":
      return `${piece.pipeline.label}: deals created only in ${[...piece.allowed].map(label).join(", ")}`;
    case "approval":
      return `${piece.pipeline.label}: approval before ${label(piece.stage.pipelineStageId)} (${piece.stage.approvalMode} of users ${piece.stage.approverUserIds.join(", ")})${piece.stage.conditionalApprovalFilterBranch ? " when the condition holds" : ""}`;
    case "edit-permission":
      return `${piece.pipeline.label}: only ${[...piece.userIds.map((u) => `user ${u}`), ...piece.teamIds.map((t) => `team ${t}`)].join(", ")} edit deals in ${label(piece.stageId)}`;
  }
}
