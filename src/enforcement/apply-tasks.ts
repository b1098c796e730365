// Task actions: at most one open task per (deal, policy, rule, purpose) while its violation is open and its task is
// open in HubSpot. Rows are planned in D1 before the batch create and marked after, so a retried message finds them
// and never creates a task twice — and a create whose answer was lost (timeout, 5xx after HubSpot applied it) is
// looked up by its reference before creating again. A task whose violation was closed (a revert's task, still open to
// explain it) or that a person completed or deleted in HubSpot blocks nothing: the next violation of the rule gets a
// task of its own, and a revert's task it supersedes is completed (one open task per rule for the rep).
import type { HubSpotClient } from "../hubspot/client";
import { describeError, type HubSpotError } from "../hubspot/errors";
import { completeTask, createTasks, findTasksByRef, readTaskStates, type NewTask } from "../hubspot/tasks";
import {
  listActiveTasks,
  isOutcomeUnknown,
  markTaskClosedStatement,
  markTaskAttemptStatement,
  markTaskFailedStatement,
  markTaskNotSentStatement,
  markTaskOpenStatement,
  planTaskStatement,
  taskKey,
  type ActiveTaskRow,
} from "../store/deal-tasks";
import { deterministicId } from "../store/ids";
import type { Result } from "../result";
import type { ActionOutcome, TaskIntent } from "./outcomes";

export interface TaskWrites {
  outcomes: ActionOutcome[];
  created: number;
  /** The HubSpot failure that stopped the creates (the intents without an outcome are retried with the message). */
  failure: HubSpotError | null;
}

type Settled = Pick<ActionOutcome, "status" | "taskId" | "reason" | "error">;

/** Creates the tasks that aren't open yet; every intent settled comes back as an outcome. Throws only for D1. */
export async function applyTasks(ctx: TaskContext, intents: TaskIntent[]): Promise<TaskWrites> {
  const outcomes: ActionOutcome[] = [];
  const settle = (i: TaskIntent, s: Settled) => outcomes.push({ ref: i.ref, fallback: i.fallback, ...s });
  if (intents.length === 0) return { outcomes, created: 0, failure: null };
  const claimed = await claimTaskRows(ctx, intents, settle);
  if (!claimed.ok) return { outcomes, created: 0, failure: claimed.error };
  const mine = claimed.value;
  if (mine.length === 0) return { outcomes, created: 0, failure: null };
  const db = ctx.db;
  const marks: D1PreparedStatement[] = [];
  let created = 0;
  const adopt = (t: Claimed, taskId: string) => {
    created++;
    marks.push(markTaskOpenStatement(db, t.rowId, taskId, ctx.now));
    settle(t.intent, { status: "done", taskId });
    for (const f of t.followers) settle(f, { status: "skipped", taskId, reason: "an open task for this rule already exists" });
  };

  // Uncertain path only (a retry after a create whose answer never came): find what that create made and adopt it.
  const uncertain = mine.filter(([, t]) => t.unknown);
  let toSend = mine;
  if (uncertain.length > 0) {
    const lookup = await findTasksByRef(ctx.client, uncertain.map(([, t]) => t.intent.dealId), new Set(uncertain.map(([, t]) => t.rowId)));
    if (!lookup.ok) return { outcomes, created, failure: lookup.error };
    for (const [, t] of uncertain) {
      const taskId = lookup.value.get(t.rowId);
      if (taskId !== undefined) adopt(t, taskId);
    }
    toSend = mine.filter(([, t]) => !lookup.value.has(t.rowId));
  }

  const tasks: NewTask[] = toSend.map(([, t]) => ({
    ref: t.rowId,
    dealId: t.intent.dealId,
    ownerId: t.intent.ownerId,
    subject: t.intent.subject,
    body: t.intent.body,
    dueAt: t.intent.dueAt,
    priority: t.intent.priority,
  }));
  if (tasks.length > 0) {
    await db.batch(toSend.map(([, t]) => markTaskAttemptStatement(db, t.rowId, ctx.now)));
    const answer = await createTasks(ctx.client, tasks);
    const byRef = new Map(toSend.map(([, t]) => [t.rowId, t]));
    for (const outcome of answer.outcomes) {
      const t = byRef.get(outcome.ref);
      if (t === undefined) continue;
      if (outcome.ok) {
        adopt(t, outcome.taskId);
      } else {
        const error = describeError(outcome.error);
        marks.push(markTaskFailedStatement(db, t.rowId, error, ctx.now));
        for (const i of [t.intent, ...t.followers]) settle(i, { status: "failed", error });
      }
    }
    if (answer.stopped !== null) {
      // Rows neither answered nor in `unsent` keep OUTCOME_UNKNOWN: the retry looks them up before creating.
      const reason = describeError(answer.stopped.error);
      for (const ref of answer.stopped.unsent) marks.push(markTaskNotSentStatement(db, ref, reason, ctx.now));
      if (marks.length > 0) await db.batch(marks);
      return { outcomes, created, failure: answer.stopped.error };
    }
  }
  if (marks.length > 0) await db.batch(marks);
  return { outcomes, created, failure: null };
}

interface TaskContext {
  db: D1Database;
  client: HubSpotClient;
  now: number;
}

interface Claimed {
  rowId: string;
  intent: TaskIntent;
  followers: TaskIntent[];
  /** An earlier attempt sent the create and never recorded its answer: look for the task before creating again. */
  unknown: boolean;
}

/**
 * Plans a deal_tasks row per (deal, policy, rule, purpose) without a blocking one, settling the intents an open or
 * in-flight task already covers; returns the rows this run owns (another isolate may have planned the same key in
 * between). Another violation's open task blocks only while that violation is open and the task is open in HubSpot
 * (read only for such conflicts: the usual run makes no read).
 */
async function claimTaskRows(ctx: TaskContext, intents: TaskIntent[], settle: (i: TaskIntent, s: Settled) => void): Promise<Result<Array<[string, Claimed]>, HubSpotError>> {
  const db = ctx.db;
  const active = await listActiveTasks(db, intents.map((i) => i.dealId));
  const unblock = await unblockClosed(ctx, intents, active);
  if (!unblock.ok) return unblock;
  const toCreate = new Map<string, Claimed>();
  const plans: D1PreparedStatement[] = [...unblock.value.statements];
  for (const intent of intents) {
    const key = taskKey(intent.dealId, intent.policyId, intent.ruleId, intent.purpose);
    const leader = toCreate.get(key);
    if (leader !== undefined) {
      leader.followers.push(intent);
      continue;
    }
    const row = unblock.value.freed.has(key) ? undefined : active.get(key);
    if (row !== undefined && row.violation_id !== intent.ref.violationId) {
      if (row.status === "open" && row.task_id !== null) settle(intent, { status: "skipped", taskId: row.task_id, reason: "an open task for this rule already exists" });
      else settle(intent, { status: "skipped", reason: "a task for this rule is already being created" });
      continue;
    }
    if (row !== undefined && row.status === "open" && row.task_id !== null) {
      settle(intent, { status: "done", taskId: row.task_id });
      continue;
    }
    const rowId = row?.id ?? deterministicId(intent.ref.violationId, intent.purpose);
    if (row === undefined) {
      plans.push(planTaskStatement(db, { id: rowId, dealId: intent.dealId, policyId: intent.policyId, ruleId: intent.ruleId, purpose: intent.purpose, violationId: intent.ref.violationId, ownerId: intent.ownerId }, ctx.now));
    }
    toCreate.set(key, { rowId, intent, followers: [], unknown: false });
  }
  if (plans.length > 0) await db.batch(plans);
  if (toCreate.size === 0) return { ok: true, value: [] };

  // Another isolate may have planned the same key between our read and our insert: only create rows that are ours.
  const after = await listActiveTasks(db, [...toCreate.values()].map((t) => t.intent.dealId));
  const mine = [...toCreate.entries()].filter(([key, t]) => {
    const row = after.get(key);
    t.unknown = row !== undefined && isOutcomeUnknown(row);
    if (row?.id === t.rowId) return true;
    const taskId = row?.task_id ?? undefined;
    for (const i of [t.intent, ...t.followers]) settle(i, { status: "skipped", ...(taskId === undefined ? {} : { taskId }), reason: "an open task for this rule already exists" });
    return false;
  });
  return { ok: true, value: mine };
}

/**
 * The open rows of other violations that stop blocking: their violation is resolved (a revert's task: completed as
 * superseded by the new violation's task), or a person completed or deleted their task in HubSpot (read only here).
 */
async function unblockClosed(ctx: TaskContext, intents: TaskIntent[], active: Map<string, ActiveTaskRow>): Promise<Result<{ freed: Set<string>; statements: D1PreparedStatement[] }, HubSpotError>> {
  const freed = new Set<string>();
  const statements: D1PreparedStatement[] = [];
  const toCheck = new Map<string, ActiveTaskRow>();
  for (const intent of intents) {
    const key = taskKey(intent.dealId, intent.policyId, intent.ruleId, intent.purpose);
    const row = active.get(key);
    if (row === undefined || row.violation_id === intent.ref.violationId || row.status !== "open" || row.task_id === null || freed.has(key) || toCheck.has(key)) continue;
    if (row.violation_status !== "resolved") {
      toCheck.set(key, row);
      continue;
    }
    const done = await completeTask(ctx.client, row.task_id);
    if (!done.ok && done.error.kind !== "not-found") return done;
    freed.add(key);
    statements.push(markTaskClosedStatement(ctx.db, row.id, "superseded by the task of a later violation of the rule", ctx.now));
  }
  if (toCheck.size === 0) return { ok: true, value: { freed, statements } };
  const states = await readTaskStates(ctx.client, [...toCheck.values()].flatMap((r) => (r.task_id === null ? [] : [r.task_id])));
  if (!states.ok) return states;
  for (const [key, row] of toCheck) {
    const state = row.task_id === null ? undefined : states.value.get(row.task_id);
    if (state === "open") continue;
    freed.add(key);
    statements.push(markTaskClosedStatement(ctx.db, row.id, `${state === undefined ? "deleted" : "completed"} in HubSpot by a person`, ctx.now));
  }
  return { ok: true, value: { freed, statements } };
}
