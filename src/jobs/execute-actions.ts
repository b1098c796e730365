// Executes the pending actions of open enforce-mode violations — reverts and the rules' tasks side by side, then
// the tasks that stand in for refused reverts — records every outcome on the violation, and completes the tasks of fixed rules.
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

  // The rules' own tasks (and fallback tasks planned in an earlier attempt) don't depend on this run's reverts:
  // they are created while the reverts run, so a rep's task doesn't wait for the revert round trip.
  const intents: TaskIntent[] = [];
  const settler = (id: string) => {
    const t = touch(id);
    return (taskId: string | undefined) => {
      if (taskId !== undefined && t.taskId === null) t.taskId = taskId;
    };
  };
  for (const r of active) intents.push(...taskIntents(run, r.d, r.actions, settler(r.d.id)));
  for (const r of active) {
    const pendingFallback = r.actions.find((a) => a.reason === "revert refused" && a.outcome === "pending");
    if (pendingFallback !== undefined && !intents.some((i) => i.violationId === r.d.id && i.purpose === "rep")) {
      r.actions.splice(r.actions.indexOf(pendingFallback), 1);
      const fallback = fallbackTaskIntent(run, r.d, r.actions, pendingFallback.error ?? "refused", settler(r.d.id));
      if (fallback !== null) intents.push(fallback);
    }
  }
  const [reverts, tasks] = await Promise.all([applyReverts(run, candidates), applyTasks(run, intents)]);
  if (!reverts.ok) {
    await flush();
    return reverts;
  }
  for (const id of reverts.value.reverted) touch(id).reverted = true;
  if (reverts.value.reverted.length > 0) {
    await run.db.batch(resolveViolationStatements(run.db, reverts.value.reverted.map((id) => ({ id, resolvedAt: run.now, resolvedBy: "engine:revert", resolvedByEvent: null }))));
  }

  // A revert HubSpot refused in this run: the rep gets a task instead (unless the rule already gives one).
  const fallbacks: TaskIntent[] = [];
  for (const r of active) {
    const refusal = reverts.value.refused.find((x) => x.id === r.d.id);
    if (refusal !== undefined && !r.actions.some((a) => a.reason === "revert refused")) {
      const fallback = fallbackTaskIntent(run, r.d, r.actions, refusal.error, settler(r.d.id));
      if (fallback !== null) fallbacks.push(fallback);
    }
  }
  const fallbackTasks = await applyTasks(run, fallbacks);
  await flush();
  if (!tasks.ok) return tasks;
  if (!fallbackTasks.ok) return fallbackTasks;
  const created = tasks.value.created + fallbackTasks.value.created;

  const completed = await completeFixedTasks(run, dealsWithResolutions);
  if (!completed.ok) return completed;
  return { ok: true, value: { tasksCreated: created, reverts: reverts.value.reverted.length } };
}
