// The actions of the open enforce-mode violations: reverts (plan-reverts.ts), the rules' tasks, the rep's task standing
// in for a refused revert, and the completion of tasks whose rule the deal now complies with. Pure.
import type { Resolution } from "../store/violations";
import type { DealEvaluation } from "./evaluate-deal";
import { fallbackAction, type RevertIntent, type RevertNote, type TaskCompletion, type TaskIntent } from "./outcomes";
import { latestStageChanges } from "./late-change";
import { ceilingNoticeAction, ceilingNoticeIntent } from "./revert-ceiling";
import { planReverts } from "./plan-reverts";
import type { PlanOptions, ViolationPlan } from "./plan-types";
import type { LiveSnapshot } from "./snapshot";
import { fallbackTaskIntent, hasRepTask, revertWords, taskIntents, type TaskContext } from "./task-intents";
import { warnTaskIntents } from "./warn-mode";

export interface ActionPlan {
  resolutions: Resolution[];
  reverts: RevertIntent[];
  capped: ReturnType<typeof planReverts>["capped"];
  tasks: TaskIntent[];
  lateTasks: TaskIntent[];
  completions: TaskCompletion[];
}

const REVERT_REFUSED = "revert refused";

export function planActions(live: LiveSnapshot, evaluations: DealEvaluation[], violations: ViolationPlan[], o: PlanOptions): ActionPlan {
  const stageLabel = (id: string) => live.metadata.stages.get(id)?.stage.label ?? id;
  const ctx: TaskContext = { now: o.now, timeZone: live.metadata.timeZone, portalUiUrl: o.portalUiUrl, directory: live.metadata.directory, stageLabel, propertyLabel: (name) => live.metadata.schema.properties.find((p) => p.name === name)?.label };
  // Enforce and warn mode act (warn never reverts: its reverts are recorded as would-run); audit only records.
  const active = violations.filter((v) => v.open && v.d.mode !== "audit" && v.actions.some((a) => a.outcome === "pending"));
  const latestStage = latestStageChanges(live.deals);
  const reverts = planReverts(active, { now: o.now, maxRevertsPerHour: o.maxRevertsPerHour, reverts: live.reverts, recentReverts: live.recentReverts, latestStage, stageLabel, ...(o.maxRevertsPerDay === undefined ? {} : { maxRevertsPerDay: o.maxRevertsPerDay }), ...(live.dailyReverts === undefined ? {} : { dailyReverts: live.dailyReverts }) });

  // The rules' own tasks (and fallback tasks planned in an earlier attempt) don't depend on this run's reverts:
  // they are created while the reverts run, so a rep's task doesn't wait for the revert round trip.
  const tasks: TaskIntent[] = [];
  for (const v of active) {
    const row = live.reverts.get(v.d.id);
    const note: RevertNote = row?.status === "done" ? { kind: "done", to: stageLabel(row.to_stage) } : { kind: "skipped" };
    tasks.push(...taskIntents(ctx, v.d, v.actions, note), ...warnTaskIntents(ctx, v.d, v.actions));
  }
  for (const v of active) {
    const pending = v.actions.findIndex((a) => a.reason === REVERT_REFUSED && a.outcome === "pending");
    if (pending === -1 || tasks.some((t) => t.ref.violationId === v.d.id && t.purpose === "rep")) continue;
    const error = v.actions[pending]?.error ?? "refused";
    v.actions.splice(pending, 1);
    v.changed = true;
    if (hasRepTask(v.d)) continue;
    v.actions.push(fallbackAction("pending"));
    tasks.push(fallbackTaskIntent(ctx, v.d, v.actions.length - 1, error));
  }

  // A refusal known before this run (an earlier attempt's answer) or coming in this run: the rep gets a task instead,
  // unless the rule already gives one or a stand-in exists.
  const needsFallback = (v: ViolationPlan | undefined): v is ViolationPlan => v !== undefined && !hasRepTask(v.d) && !v.actions.some((a) => a.reason === REVERT_REFUSED);
  const byId = new Map(active.map((v) => [v.d.id, v]));
  const lateTasks: TaskIntent[] = [];
  for (const r of reverts.refused) {
    const v = byId.get(r.violationId);
    if (!needsFallback(v)) continue;
    v.actions.push(fallbackAction("pending"));
    v.changed = true;
    lateTasks.push(fallbackTaskIntent(ctx, v.d, v.actions.length - 1, r.error));
  }
  for (const intent of reverts.intents) {
    for (const ref of [intent.ref, ...intent.siblings]) {
      const v = byId.get(ref.violationId);
      if (!needsFallback(v)) continue;
      const index = v.actions.length;
      intent.fallbacks.push((refusal) => fallbackTaskIntent(ctx, v.d, index, refusal));
    }
  }
  for (const intent of reverts.intents) intent.alsoResolves = chainedOpen(live, intent, byId);
  wordRepTasksForReverts(ctx, tasks, reverts.intents, byId);
  for (const c of reverts.ceiling) {
    const v = byId.get(c.violationId);
    if (v === undefined || o.maxRevertsPerDay === undefined) continue;
    const notice = ceilingNoticeIntent(ctx, v.d, v.actions.length, o.maxRevertsPerDay);
    v.changed = true;
    if (notice === null) {
      v.actions.push({ ...ceilingNoticeAction(), outcome: "skipped", reason: "no manager known for the deal owner (configure MANAGER_MAP)" });
      continue;
    }
    v.actions.push(ceilingNoticeAction());
    tasks.push(notice);
  }
  const completions = planCompletions(live, evaluations, violations, reverts.intents, reverts.resolutions);
  return { resolutions: reverts.resolutions, reverts: reverts.intents, capped: reverts.capped, tasks, lateTasks, completions };
}

/**
 * The rules' own rep tasks of violations reverted in this run tell the rep the engine moved the deal back. They are
 * sent beside the revert, not after it (a rep's task mustn't wait for another HubSpot round trip), worded for the
 * usual end — the revert lands — and reworded as soon as its answer says otherwise: HubSpot refused (move it back
 * yourself) or the deal had moved on (no revert to speak of).
 */
function wordRepTasksForReverts(ctx: TaskContext, tasks: TaskIntent[], intents: RevertIntent[], byId: Map<string, ViolationPlan>): void {
  for (const intent of intents) {
    const to = ctx.stageLabel(intent.target.stageId);
    for (const ref of [intent.ref, ...intent.siblings]) {
      const v = byId.get(ref.violationId);
      if (v === undefined) continue;
      for (const [k, t] of tasks.entries()) {
        if (t.ref.violationId !== ref.violationId || t.purpose !== "rep" || t.fallback) continue;
        const rule = t.body;
        tasks[k] = { ...t, body: revertWords(ctx, v.d, { kind: "done", to }) + rule };
        intent.followUps.push({ ref: t.ref, reword: (result) => (result.kind === "done" ? null : revertWords(ctx, v.d, result.kind === "skipped" ? result : { ...result, to }) + rule) });
      }
    }
  }
}

/** Stored open violations of the same deal and rule whose move left the stage this revert goes back to. */
function chainedOpen(live: LiveSnapshot, intent: RevertIntent, byId: Map<string, ViolationPlan>): string[] {
  const chosen = byId.get(intent.ref.violationId);
  if (chosen === undefined) return [];
  const own = new Set([intent.ref.violationId, ...intent.siblings.map((s) => s.violationId)]);
  const open = live.deals.find((d) => d.deal.id === intent.dealId)?.open ?? [];
  return open
    .filter((v) => !own.has(v.id) && v.policyId === chosen.d.violation.policyId && v.ruleId === chosen.d.violation.ruleId && v.fromStage === intent.target.stageId)
    .map((v) => v.id);
}

/**
 * Remediation: on deals where this run resolved a violation, the engine's open tasks whose violation is resolved (not
 * by the engine's revert — that task explains the revert) and whose rule has no violation left open on the deal; and
 * a revert's task once the deal enters the stage it was moved back from in a way the rule allows.
 * A violation left open only until its pending revert is done holds the completion back unless the revert lands.
 */
function planCompletions(live: LiveSnapshot, evaluations: DealEvaluation[], violations: ViolationPlan[], reverts: RevertIntent[], revertResolutions: Resolution[]): TaskCompletion[] {
  const fixedBy = new Map(evaluations.flatMap((e) => e.resolutions.map((r) => [r.id, r.resolvedBy] as const)));
  const resolvedHere = new Set([...fixedBy.keys(), ...revertResolutions.map((r) => r.id)]);
  const dealsWithResolutions = new Set(evaluations.filter((e) => e.resolutions.length > 0).map((e) => e.dealId));
  const pendingRevert = new Set(reverts.flatMap((r) => [r.ref.violationId, ...r.siblings.map((s) => s.violationId)]));
  const openAfter = [
    ...live.deals.flatMap((d) => d.open.map((v) => ({ ...v, dealId: d.deal.id }))),
    ...violations.filter((v) => v.insert !== null).map((v) => ({ id: v.d.id, dealId: v.d.built.change.dealId, policyId: v.d.violation.policyId, ruleId: v.d.violation.ruleId })),
  ].filter((v, i, all) => !resolvedHere.has(v.id) && all.findIndex((w) => w.id === v.id) === i);
  const out: TaskCompletion[] = [];
  const entered = compliantEntries(evaluations);
  for (const t of live.openTasks) {
    if (t.task_id === null) continue;
    const blocking = openAfter.filter((v) => v.dealId === t.deal_id && v.policyId === t.policy_id && v.ruleId === t.rule_id);
    // A revert's task explains the revert until the deal enters that stage in a way the rule allows.
    if (t.violation_status === "resolved" && t.violation_resolved_by === "engine:revert") {
      const stage = t.violation_to_stage ?? null;
      const entry = stage === null ? undefined : entered.get(t.deal_id)?.find((x) => x.stage === stage && x.at > (t.violation_resolved_at ?? 0) && !x.violated.has(`${t.policy_id}|${t.rule_id}`));
      if (entry !== undefined && blocking.every((v) => pendingRevert.has(v.id))) out.push({ rowId: t.id, taskId: t.task_id, unlessOpen: blocking.map((v) => v.id) });
      continue;
    }
    if (!dealsWithResolutions.has(t.deal_id)) continue;
    const resolvedBefore = t.violation_status === "resolved";
    if (!resolvedBefore && !fixedBy.has(t.violation_id)) continue;
    const resolvedBy = resolvedBefore ? t.violation_resolved_by : fixedBy.get(t.violation_id);
    if (resolvedBy === "engine:revert") continue;
    if (blocking.some((v) => !pendingRevert.has(v.id))) continue;
    out.push({ rowId: t.id, taskId: t.task_id, unlessOpen: blocking.map((v) => v.id) });
  }
  return out;
}

/** Per deal, the stage entries this run judged, each with the rules (policy|rule) that entry broke. */
function compliantEntries(evaluations: DealEvaluation[]): Map<string, Array<{ stage: string; at: number; violated: Set<string> }>> {
  const out = new Map<string, Array<{ stage: string; at: number; violated: Set<string> }>>();
  for (const e of evaluations) {
    out.set(
      e.dealId,
      e.transitions.map((t) => ({
        stage: t.toStage,
        at: t.occurredAt,
        violated: new Set(e.detected.filter((d) => d.built.change.occurredAt === t.occurredAt && d.built.change.toStage === t.toStage).map((d) => `${d.violation.policyId}|${d.violation.ruleId}`)),
      })),
    );
  }
  return out;
}
