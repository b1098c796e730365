// Checks of the gate-like rule kinds: creation stages, approvals (HubSpot's status is an input on the change, never
// fetched here), and stage edit restrictions. Each records a trace step and a failure, like checks.ts.
import type { ChangeContext } from "./context";
import type { Failure, Trace } from "./checks";
import { runCel } from "./run-cel";
import type { ApprovalPlan, RestrictEditsPlan, RulePlan } from "./plan";

/** The stage a deal sat in when this change was made (the from-stage of a move, else its current stage). */
export function stageBefore(ctx: ChangeContext): string | null {
  return ctx.stageChanged ? ctx.change.fromStage : ctx.change.toStage;
}

/** restrictEdits without `on:` fires on any update of a deal sitting in a restricted stage. */
export function firesRestrictEdits(rule: RulePlan, ctx: ChangeContext): boolean {
  if (rule.restrictEdits === null || rule.explicitTriggers || ctx.change.kind !== "updated") return false;
  const before = stageBefore(ctx);
  return before !== null && rule.restrictEdits.stages.has(before);
}

export function checkCreatedIn(rule: RulePlan, ctx: ChangeContext, trace: Trace, failures: Failure[]): void {
  const allowed = rule.transition?.createdIn ?? null;
  if (allowed === null || ctx.change.kind !== "created") return;
  const stage = ctx.change.toStage;
  const ok = stage !== null && allowed.has(stage);
  const detail = ok ? "created in an allowed stage" : `deals may only be created in ${[...allowed].map((id) => ctx.labelOf(id)).join(", ")}`;
  trace?.push({ check: "transition.createdIn", passed: ok, values: { toStage: stage, allowed: [...allowed] }, detail });
  if (!ok) failures.push({ detail, missing: [] });
}

/** Passes when HubSpot says APPROVED, or when an approver made the move themselves. `when` false → no approval needed. */
export function checkApproval(plan: ApprovalPlan, ctx: ChangeContext, trace: Trace, failures: Failure[]): void {
  if (!ctx.stageChanged && ctx.change.kind !== "created") return;
  if (ctx.change.toStage === null || !plan.stages.has(ctx.change.toStage)) return;
  if (plan.when !== null && runCel(plan.when, ctx, "requireApproval.when", trace) !== true) return;
  const status = ctx.change.approval ?? null;
  const byApprover = ctx.change.actor.userId !== null && plan.approvers.includes(ctx.change.actor.userId);
  const ok = status === "APPROVED" || byApprover;
  const detail = ok
    ? status === "APPROVED" ? "approved in HubSpot" : "moved by an approver"
    : `${plan.label} needs an approval (${status === null ? "no approval status" : `HubSpot says ${status}`})`;
  trace?.push({ check: "requireApproval", passed: ok, values: { approval: status, approvers: [...plan.approvers], userId: ctx.change.actor.userId }, detail });
  if (!ok) failures.push({ detail, missing: ["approval"] });
}

export function checkRestrictEdits(plan: RestrictEditsPlan, ctx: ChangeContext, trace: Trace, failures: Failure[]): void {
  const before = stageBefore(ctx);
  if (ctx.change.kind !== "updated" || before === null || !plan.stages.has(before)) return;
  const actor = ctx.change.actor;
  const ok = (plan.users !== null && actor.userId !== null && plan.users.has(actor.userId)) ||
    (plan.teams !== null && actor.teamIds.some((t) => plan.teams?.has(t) === true));
  const detail = ok ? "edited by someone allowed" : `only ${plan.text} may edit deals in ${ctx.labelOf(before)}`;
  trace?.push({ check: "restrictEdits", passed: ok, values: { stage: before, userId: actor.userId, teamIds: actor.teamIds }, detail });
  if (!ok) failures.push({ detail, missing: [] });
}
