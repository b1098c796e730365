// deal_tasks: the tasks the engine opened, at most one open (or planned) per (deal, policy, rule, purpose).
// Planned before the HubSpot call, marked after: a retried message finds the row and never creates twice.
import { rowsForDeals } from "./rows-for-deals";

export type TaskPurpose = "rep" | "manager";
export type TaskRowStatus = "planned" | "open" | "completed" | "failed";

export interface DealTaskRow {
  id: string;
  deal_id: string;
  policy_id: string;
  rule_id: string;
  purpose: TaskPurpose;
  violation_id: string;
  owner_id: string | null;
  task_id: string | null;
  status: TaskRowStatus;
  attempts: number;
  /** On a planned row: OUTCOME_UNKNOWN while a create was sent and its answer never recorded, else the last refusal. */
  error: string | null;
}

/** An active row with the state of the violation it was opened for (null: the violation row isn't stored yet). */
export interface ActiveTaskRow extends DealTaskRow {
  violation_status: "open" | "resolved" | null;
}

/** A planned row's error while its create is (or was) in flight without a recorded answer. */
export const OUTCOME_UNKNOWN = "create sent; outcome unknown";

/** The create of this planned row may have landed in HubSpot: look for it before creating again. */
export function isOutcomeUnknown(row: DealTaskRow): boolean {
  return row.status === "planned" && row.attempts > 0 && row.error === OUTCOME_UNKNOWN;
}

export function taskKey(dealId: string, policyId: string, ruleId: string, purpose: TaskPurpose): string {
  return `${dealId}|${policyId}|${ruleId}|${purpose}`;
}

/** Open or planned task rows for these deals, keyed by taskKey, with their violation's status. */
export async function listActiveTasks(db: D1Database, dealIds: string[]): Promise<Map<string, ActiveTaskRow>> {
  const out = new Map<string, ActiveTaskRow>();
  const rows = await rowsForDeals<ActiveTaskRow>(db, dealIds, (ids, marks) =>
    db
      .prepare(
        `SELECT dt.id, dt.deal_id, dt.policy_id, dt.rule_id, dt.purpose, dt.violation_id, dt.owner_id, dt.task_id, dt.status, dt.attempts,
                dt.error, v.status AS violation_status
         FROM deal_tasks dt LEFT JOIN violations v ON v.id = dt.violation_id
         WHERE dt.status IN ('planned','open') AND dt.deal_id IN (${marks})`,
      )
      .bind(...ids),
  );
  for (const r of rows) out.set(taskKey(r.deal_id, r.policy_id, r.rule_id, r.purpose), r);
  return out;
}

/** Plans a task; ignored when an open/planned task for the same key already exists (the unique partial index). */
export function planTaskStatement(
  db: D1Database,
  row: { id: string; dealId: string; policyId: string; ruleId: string; purpose: TaskPurpose; violationId: string; ownerId: string | null },
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO deal_tasks (id, deal_id, policy_id, rule_id, purpose, violation_id, owner_id, status, created_at, updated_at)
       VALUES (?,?,?,?,?,?,?,'planned',?,?)`,
    )
    .bind(row.id, row.dealId, row.policyId, row.ruleId, row.purpose, row.violationId, row.ownerId, now, now);
}

/** Written just before the create is sent: until an answer is recorded, the row's outcome is unknown. */
export function markTaskAttemptStatement(db: D1Database, id: string, now: number): D1PreparedStatement {
  return db.prepare("UPDATE deal_tasks SET attempts = attempts + 1, error = ?, updated_at = ? WHERE id = ?").bind(OUTCOME_UNKNOWN, now, id);
}

/** The create surely didn't happen (never sent, or refused whole): the row stays planned and is created next time. */
export function markTaskNotSentStatement(db: D1Database, id: string, error: string, now: number): D1PreparedStatement {
  return db.prepare("UPDATE deal_tasks SET error = ?, updated_at = ? WHERE id = ? AND status = 'planned'").bind(`not created: ${error}`, now, id);
}

export function markTaskOpenStatement(db: D1Database, id: string, taskId: string, now: number): D1PreparedStatement {
  return db.prepare("UPDATE deal_tasks SET status = 'open', task_id = ?, error = NULL, updated_at = ? WHERE id = ?").bind(taskId, now, id);
}

export function markTaskFailedStatement(db: D1Database, id: string, error: string, now: number): D1PreparedStatement {
  return db.prepare("UPDATE deal_tasks SET status = 'failed', error = ?, updated_at = ? WHERE id = ?").bind(error, now, id);
}

/**
 * The row stops blocking its rule for good: a person completed or deleted its task in HubSpot, or the engine completed
 * it because a later violation's task supersedes it. Its task id is never reused.
 */
export function markTaskClosedStatement(db: D1Database, id: string, reason: string, now: number): D1PreparedStatement {
  return db.prepare("UPDATE deal_tasks SET status = 'completed', error = ?, completed_at = ?, updated_at = ? WHERE id = ? AND status = 'open'").bind(reason, now, now, id);
}

export function markTaskCompletedStatement(db: D1Database, id: string, now: number): D1PreparedStatement {
  return db.prepare("UPDATE deal_tasks SET status = 'completed', completed_at = ?, updated_at = ? WHERE id = ?").bind(now, now, id);
}

/** An open task with what it needs to decide completion: the state of the violation it was opened for. */
export interface OpenTaskRow extends DealTaskRow {
  violation_status: "open" | "resolved" | null;
  violation_resolved_by: string | null;
  /** The stage the violating change moved the deal into (a revert's task completes when the deal enters it compliantly). */
  violation_to_stage?: string | null;
  /** When the violation was resolved (epoch ms). */
  violation_resolved_at?: number | null;
}

/** Open tasks (created in HubSpot) on these deals, each with its violation's status and who resolved it. */
export async function listOpenTasks(db: D1Database, dealIds: string[]): Promise<OpenTaskRow[]> {
  return rowsForDeals<OpenTaskRow>(db, dealIds, (ids, marks) =>
    db
      .prepare(
        `SELECT dt.id, dt.deal_id, dt.policy_id, dt.rule_id, dt.purpose, dt.violation_id, dt.owner_id, dt.task_id, dt.status, dt.attempts,
                dt.error, v.status AS violation_status, v.resolved_by AS violation_resolved_by, v.to_stage AS violation_to_stage,
                v.resolved_at AS violation_resolved_at
         FROM deal_tasks dt LEFT JOIN violations v ON v.id = dt.violation_id
         WHERE dt.status = 'open' AND dt.task_id IS NOT NULL AND dt.deal_id IN (${marks})`,
      )
      .bind(...ids),
  );
}
