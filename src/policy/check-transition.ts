// The stage-graph check of a rule (terminal stages, allowed moves, backward moves, skips) and the skip count the
// move-compliance check shares. Records a trace step with the values it saw when a trace array is passed.
import { matchesActor, type Failure, type Trace } from "./checks";
import type { ChangeContext } from "./context";
import type { TransitionPlan } from "./plan";
import type { StageInfo } from "./portal-index";
import { joinWords, skipWords } from "./wording";

/** Number of open stages strictly between two stages of the same pipeline (closed stages are not steps). */
export function countSkipped(stages: readonly StageInfo[], from: StageInfo, to: StageInfo): number {
  let n = 0;
  for (const s of stages) if (s.index > from.index && s.index < to.index && !s.isClosed) n++;
  return n;
}

export function checkTransition(plan: TransitionPlan, ordered: readonly StageInfo[], ctx: ChangeContext, trace: Trace, failures: Failure[]): void {
  const { from, to } = ctx;
  if (!ctx.stageChanged || from === null || to === null || from.pipelineId !== to.pipelineId) {
    trace?.push({ check: "transition", passed: true, values: { fromStage: ctx.change.fromStage, toStage: ctx.change.toStage }, detail: "not a move within one pipeline" });
    return;
  }
  const fail = (check: string, detail: string, extra: Record<string, unknown> = {}): void => {
    trace?.push({ check, passed: false, values: { ...transitionValues(ctx, from, to), ...extra }, detail });
    failures.push({ detail, missing: [] });
  };
  const before = failures.length;
  for (const t of plan.terminal) {
    if (!t.stages.has(from.id)) continue;
    const targets = [...t.allowedTo].map((id) => labelOf(ordered, id));
    if (!t.allowedTo.has(to.id)) fail("transition.terminal", targets.length ? `a deal in ${from.label} may only move to ${joinWords(targets, "or")}` : `a deal in ${from.label} stays there`, { allowedTo: [...t.allowedTo] });
    else if (t.by !== null && !matchesActor(t.by, ctx)) fail("transition.terminal", `only ${t.by.text} may move a deal out of ${from.label}`, { allowedTo: [...t.allowedTo] });
  }
  const allowed = plan.allowed.get(from.id);
  if (allowed !== undefined && !allowed.has(to.id)) fail("transition.allowed", `a deal in ${from.label} may not move to ${to.label}`, { allowedTo: [...allowed] });
  if (to.index < from.index && plan.backward === "deny" && !plan.backwardAllowedTo.has(to.id)) {
    fail("transition.backward", `moved backward from ${from.label} to ${to.label}`);
  }
  if (plan.maxSkip !== null && to.index > from.index && !(to.isClosed && plan.allowSkipToClosed)) {
    const skipped = countSkipped(ordered, from, to);
    if (skipped > plan.maxSkip) fail("transition.skip", skipWords(ordered, from, to, plan.maxSkip), { skipped, maxSkip: plan.maxSkip });
  }
  if (failures.length === before) trace?.push({ check: "transition", passed: true, values: transitionValues(ctx, from, to), detail: "allowed move" });
}

function transitionValues(ctx: ChangeContext, from: StageInfo, to: StageInfo): Record<string, unknown> {
  const a = ctx.change.actor;
  return { from: from.label, to: to.label, fromId: from.id, toId: to.id, fromIndex: from.index, toIndex: to.index, userId: a.userId, teamIds: a.teamIds, source: ctx.source, isManager: a.isManager, isDealOwner: a.isDealOwner };
}

function labelOf(ordered: readonly StageInfo[], id: string): string {
  return ordered.find((s) => s.id === id)?.label ?? id;
}
