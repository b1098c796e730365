// Executes the pending actions of open enforce-mode violations — reverts first (a refused revert becomes a task),
// then tasks in batches — records every outcome on the violation, and completes the tasks of fixed rules.
import type { HubSpotError, Result } from "../hubspot/errors";
import { resolveViolationStatements, updateViolationActionsStatement, type RecordedAction } from "../store/violations-write";
import { applyReverts, type RevertCandidate } from "./apply-reverts";
import { applyTasks, type TaskIntent } from "./apply-tasks";
import type { DetectedViolation } from "./evaluate-deals";
import { fallbackTaskIntent, taskIntents } from "./plan-actions";
import { completeFixedTasks } from "./resolve-violations";
import type { RunContext } from "./run-context";

export interface ViolationRecord {
  d: DetectedViolation;
  actions: RecordedAction[];
  /** Still open after this run's re-checks. */
  open: boolean;
}

export async function executeActions(
  run: RunContext,
  records: ViolationRecord[],
  dealsWithResolutions: string[],
): Promise<Result<{ tasksCreated: number; reverts: number }, HubSpotError>> {
  const touched = new Map<string, { taskId: string | null; reverted: boolean }>();
  const touch = (id: string) => {
    let t = touched.get(id);
    if (t === undefined) {
      t = { taskId: null, reverted: false };
      touched.set(id, t);
    }
    return t;
  };
  for (const r of records) {
    if (r.open) continue;
    for (const a of r.actions) {
      if (a.outcome !== "pending") continue;
      a.outcome = "skipped";
      a.reason = "the deal already complies";
      touch(r.d.id);
    }
  }
  const active = records.filter((r) => r.open && r.d.mode === "enforce" && r.actions.some((a) => a.outcome === "pending"));

  const flush = async () => {
    const statements = [...touched.entries()].flatMap(([id, t]) => {
      const r = records.find((x) => x.d.id === id);
      return r === undefined ? [] : [updateViolationActionsStatement(run.db, id, r.actions, t.taskId, t.reverted)];
    });
    if (statements.length > 0) await run.db.batch(statements);
  };

  const candidates: RevertCandidate[] = [];
  for (const r of active) {
    r.actions.forEach((a, actionIndex) => {
      if (a.type === "revert" && a.outcome === "pending") candidates.push({ detected: r.d, actions: r.actions, actionIndex });
    });
  }
  for (const c of candidates) touch(c.detected.id);
  const reverts = await applyReverts(run, candidates);
  if (!reverts.ok) {
    await flush();
    return reverts;
  }
  for (const id of reverts.value.reverted) touch(id).reverted = true;
  if (reverts.value.reverted.length > 0) {
    await run.db.batch(resolveViolationStatements(run.db, reverts.value.reverted.map((id) => ({ id, resolvedAt: run.now, resolvedBy: "engine:revert", resolvedByEvent: null }))));
  }

  const intents: TaskIntent[] = [];
  for (const r of active) {
    const t = touch(r.d.id);
    const onSettle = (taskId: string | undefined) => {
      if (taskId !== undefined && t.taskId === null) t.taskId = taskId;
    };
    intents.push(...taskIntents(run, r.d, r.actions, onSettle));
    const refusal = reverts.value.refused.find((x) => x.id === r.d.id);
    if (refusal !== undefined && !r.actions.some((a) => a.reason === "revert refused")) {
      const fallback = fallbackTaskIntent(run, r.d, r.actions, refusal.error, onSettle);
      if (fallback !== null) intents.push(fallback);
    }
  }
  // A fallback task planned in an earlier attempt is still pending: pick it up again.
  for (const r of active) {
    const pendingFallback = r.actions.find((a) => a.reason === "revert refused" && a.outcome === "pending");
    if (pendingFallback !== undefined && !intents.some((i) => i.violationId === r.d.id && i.purpose === "rep")) {
      r.actions.splice(r.actions.indexOf(pendingFallback), 1);
      const t = touch(r.d.id);
      const fallback = fallbackTaskIntent(run, r.d, r.actions, pendingFallback.error ?? "refused", (taskId) => {
        if (taskId !== undefined && t.taskId === null) t.taskId = taskId;
      });
      if (fallback !== null) intents.push(fallback);
    }
  }
  const tasks = await applyTasks(run, intents);
  await flush();
  if (!tasks.ok) return tasks;

  const completed = await completeFixedTasks(run, dealsWithResolutions);
  if (!completed.ok) return completed;
  return { ok: true, value: { tasksCreated: tasks.value.created, reverts: reverts.value.reverted.length } };
}
