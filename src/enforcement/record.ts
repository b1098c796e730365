// Step 5, record: one D1 batch of the plan and apply's outcomes — inbox dispositions, gone deals, violations with
// their final actions, transitions, close-date pushes, resolutions, deal state, revert and task bookkeeping, and a
// new policy set version. Every
// statement is idempotent (deterministic ids, INSERT OR IGNORE, updates guarded by status), so a retry rewrites it
// harmlessly. It never calls HubSpot and decides nothing.
import { markDealsGoneStatements, setDealStageStatement, upsertDealStateStatements } from "../store/deal-state";
import { insertAssociationTimelineStatements } from "../store/association-timeline";
import { markTaskCompletedStatement } from "../store/deal-tasks";
import { insertJudgedChangeStatements, updateJudgedChangeStatements } from "../store/judged-changes";
import { insertPolicyVersionStatements } from "../store/policy-versions";
import { moveMergedRowsStatements } from "../store/merged-rows";
import { recordRepairStatements, saveWrittenGovernanceStatements, setInstallStateStatement } from "../store/governance";
import { setInboxDispositionStatement } from "../store/inbox-dispositions";
import { markRevertStatement, planRevertStatement } from "../store/reverts";
import { insertCloseDateStatements, insertTransitionStatements, markTransitionRevertedStatement } from "../store/transitions";
import {
  insertViolationStatements,
  resolveViolationStatements,
  updateViolationActionsStatement,
  type RecordedAction,
} from "../store/violations";
import { fallbackAction, type ActionOutcome, type Applied } from "./outcomes";
import type { EnforceStats, Plan, ViolationPlan } from "./plan-types";
import { notePolicyVersionRecorded } from "./read-policy-version";

/** Writes the run in one D1 batch. Throws only for D1 (the message is retried; every statement is idempotent). */
export async function recordRun(db: D1Database, plan: Plan, applied: Applied, now: number): Promise<void> {
  const byViolation = new Map<string, ActionOutcome[]>();
  for (const o of applied.outcomes) byViolation.set(o.ref.violationId, [...(byViolation.get(o.ref.violationId) ?? []), o]);
  const reverted = new Set(applied.reverted.flatMap((r) => [r.violationId, ...r.siblings]));
  const final = plan.violations.map((v) => ({ v, actions: finalActions(v, byViolation.get(v.d.id) ?? []) }));

  const statements: D1PreparedStatement[] = [
    ...plan.dispositions.map((d) => setInboxDispositionStatement(db, d.hashes, d.status, d.reason, now)),
    ...markDealsGoneStatements(db, plan.gone, now),
    ...insertViolationStatements(db, final.flatMap(({ v, actions }) => (v.insert === null ? [] : [{ ...v.insert, actions }]))),
    ...insertTransitionStatements(db, plan.transitions),
    ...insertCloseDateStatements(db, plan.closeDates),
    ...insertJudgedChangeStatements(db, plan.judged.filter((j) => j.corrected !== true), now),
    ...updateJudgedChangeStatements(db, plan.judged.filter((j) => j.corrected === true)),
    ...moveMergedRowsStatements(db, plan.gone.flatMap((g) => (g.mergedInto === null ? [] : [{ dealId: g.dealId, into: g.mergedInto }]))),
    ...resolveViolationStatements(db, plan.resolutions),
    ...upsertDealStateStatements(db, plan.states, now),
    // What the reverts did: after the deal state above, so the stage the engine wrote back is the one kept.
    ...resolveViolationStatements(db, [...reverted].map((id) => ({ id, resolvedAt: now, resolvedBy: "engine:revert", resolvedByEvent: null }))),
    ...applied.reverted.flatMap((r) => [
      setDealStageStatement(db, r.dealId, r.target.stageId, r.target.pipelineId, now),
      ...(r.transitionId === null ? [] : [markTransitionRevertedStatement(db, r.transitionId)]),
    ]),
    ...applied.revertMarks.map((m) => markRevertStatement(db, m.violationId, m.status, m.reason, now)),
    ...plan.capped.flatMap((c) => [
      planRevertStatement(db, { violationId: c.violationId, dealId: c.dealId, toPipeline: c.target.pipelineId, toStage: c.target.stageId, fromStage: c.fromStage }, now),
      markRevertStatement(db, c.violationId, "skipped", "cap reached", now),
    ]),
    ...final.flatMap(({ v, actions }) => {
      const outcomes = byViolation.get(v.d.id) ?? [];
      const isReverted = v.reverted || reverted.has(v.d.id);
      if (!v.changed && outcomes.length === 0 && !isReverted) return [];
      return [updateViolationActionsStatement(db, v.d.id, actions, taskIdOf(actions), isReverted)];
    }),
    ...applied.completed.map((rowId) => markTaskCompletedStatement(db, rowId, now)),
    ...governanceStatements(db, plan, applied, now),
    ...(plan.policyVersion?.write ? insertPolicyVersionStatements(db, plan.policyVersion.write) : []),
    ...insertAssociationTimelineStatements(db, plan.associationLog.entries, plan.associationLog.coverage),
  ];
  if (statements.length > 0) await db.batch(statements);
  if (plan.policyVersion !== null) notePolicyVersionRecorded(plan.policyVersion.key);
}

/** The plan's actions with apply's outcomes on top; a stand-in task for a revert refused in this run is added. */
function finalActions(v: ViolationPlan, outcomes: ActionOutcome[]): RecordedAction[] {
  const actions = [...v.actions];
  for (const o of [...outcomes].sort((a, b) => a.ref.index - b.ref.index)) {
    const detail = { ...(o.taskId === undefined ? {} : { taskId: o.taskId }), ...(o.error === undefined ? {} : { error: o.error }) };
    const current = actions[o.ref.index];
    if (o.fallback && current === undefined) actions.push({ ...fallbackAction(o.status), ...detail });
    else if (current !== undefined) actions[o.ref.index] = { ...current, outcome: o.status, ...detail, ...(o.fallback || o.reason === undefined ? {} : { reason: o.reason }) };
  }
  return actions;
}

/** The task the violation's row links to: the first one its actions created or found open. */
function taskIdOf(actions: RecordedAction[]): string | null {
  return actions.find((a) => a.taskId !== undefined && a.outcome !== "failed")?.taskId ?? null;
}

/** What the run did, for logs and tests. */
export function statsOf(plan: Plan, applied: Applied): EnforceStats {
  const reverts = plan.stats.reverts + applied.reverted.reduce((n, r) => n + 1 + r.siblings.length, 0);
  return { ...plan.stats, tasksCreated: applied.tasksCreated, reverts };
}

/** The governance values written, the hand edits put back, and what the install learnt. */
function governanceStatements(db: D1Database, plan: Plan, applied: Applied, now: number): D1PreparedStatement[] {
  const written = new Set(applied.governance.written.map((w) => w.dealId));
  return [
    ...saveWrittenGovernanceStatements(db, applied.governance.written, now),
    ...recordRepairStatements(db, plan.governance.repairs.filter((r) => written.has(r.dealId)), now),
    ...(applied.governance.install === null ? [] : [setInstallStateStatement(db, plan.governance.portalKey, applied.governance.install)]),
  ];
}
