// The write side of `violations` (enforcement): idempotent insert, action outcomes, resolution.
// The managers' view reads the same table through violations-query.ts; this file never serves HTTP.
import { chunk } from "../chunk";
import type { ViolationFacts } from "./violation-facts";

export type ActionStatus = "pending" | "done" | "skipped" | "failed" | "would-run";

export interface RecordedAction {
  type: "task" | "revert" | "log" | "notify-manager";
  planned: unknown;
  outcome: ActionStatus;
  taskId?: string;
  error?: string;
  reason?: string;
}

export interface ViolationInsert extends ViolationFacts {
  trace: unknown;
  actions: RecordedAction[];
  actorOwnerId: string | null;
  sourceId: string | null;
  sourceEvents: string[];
  occurredAt: number;
  detectedAt: number;
}

export function insertViolationStatements(db: D1Database, rows: ViolationInsert[]): D1PreparedStatement[] {
  return rows.map((v) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO violations (id, portal_id, deal_id, deal_name, pipeline_id, from_stage, to_stage, from_stage_label,
           to_stage_label, policy_id, policy_version, rule_id, severity, mode, message, missing, trace, actions, owner_id, team_id,
           actor_user_id, actor_owner_id, change_source, source_id, source_events, occurred_at, detected_at)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .bind(
        v.id, v.portalId, v.dealId, v.dealName, v.pipelineId, v.fromStage, v.toStage, v.fromStageLabel, v.toStageLabel,
        v.policyId, v.policyVersion, v.ruleId, v.severity, v.mode, v.message, JSON.stringify(v.missing), JSON.stringify(v.trace),
        JSON.stringify(v.actions), v.ownerId, v.teamId, v.actorUserId, v.actorOwnerId, v.changeSource, v.sourceId,
        JSON.stringify(v.sourceEvents), v.occurredAt, v.detectedAt,
      ),
  );
}

export interface StoredViolation {
  id: string;
  dealId: string;
  policyId: string;
  ruleId: string;
  toStage: string | null;
  status: "open" | "resolved";
  actions: RecordedAction[];
  taskId: string | null;
  reverted: boolean;
  occurredAt: number;
}

interface StoredRow {
  id: string;
  deal_id: string;
  policy_id: string;
  rule_id: string;
  to_stage: string | null;
  status: "open" | "resolved";
  actions: string;
  task_id: string | null;
  reverted: number;
  occurred_at: number;
}

function toStored(row: StoredRow): StoredViolation {
  let actions: RecordedAction[] = [];
  try {
    actions = JSON.parse(row.actions) as RecordedAction[];
  } catch (err) {
    console.warn("violations.actions unreadable", row.id, err);
  }
  return {
    id: row.id, dealId: row.deal_id, policyId: row.policy_id, ruleId: row.rule_id, toStage: row.to_stage,
    status: row.status, actions, taskId: row.task_id, reverted: row.reverted === 1, occurredAt: row.occurred_at,
  };
}

const STORED_COLUMNS = "id, deal_id, policy_id, rule_id, to_stage, status, actions, task_id, reverted, occurred_at";

/** The violations of these deals that happened at or after `since` (epoch ms), keyed by id. */
export async function listViolationsSince(db: D1Database, dealIds: string[], since: number): Promise<Map<string, StoredViolation>> {
  const out = new Map<string, StoredViolation>();
  for (const part of chunk([...new Set(dealIds)], 90)) {
    const rows = await db
      .prepare(`SELECT ${STORED_COLUMNS} FROM violations WHERE deal_id IN (${part.map(() => "?").join(",")}) AND occurred_at >= ?`)
      .bind(...part, since)
      .all<StoredRow>();
    for (const row of rows.results) out.set(row.id, toStored(row));
  }
  return out;
}

export async function listOpenViolations(db: D1Database, dealIds: string[]): Promise<StoredViolation[]> {
  const out: StoredViolation[] = [];
  for (const part of chunk([...new Set(dealIds)], 90)) {
    const rows = await db
      .prepare(`SELECT ${STORED_COLUMNS} FROM violations WHERE status = 'open' AND deal_id IN (${part.map(() => "?").join(",")})`)
      .bind(...part)
      .all<StoredRow>();
    out.push(...rows.results.map(toStored));
  }
  return out;
}

export function updateViolationActionsStatement(
  db: D1Database,
  id: string,
  actions: RecordedAction[],
  taskId: string | null,
  reverted: boolean,
): D1PreparedStatement {
  return db
    .prepare("UPDATE violations SET actions = ?, task_id = COALESCE(?, task_id), reverted = MAX(reverted, ?) WHERE id = ?")
    .bind(JSON.stringify(actions), taskId, reverted ? 1 : 0, id);
}

export interface Resolution {
  id: string;
  resolvedAt: number;
  resolvedBy: string | null;
  resolvedByEvent: string | null;
}

/** Marks open violations resolved; time_to_fix from the violating change. Already-resolved rows are left alone. */
export function resolveViolationStatements(db: D1Database, resolutions: Resolution[]): D1PreparedStatement[] {
  return resolutions.map((r) =>
    db
      .prepare(
        `UPDATE violations SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolved_by_event = ?,
           time_to_fix_ms = MAX(0, ? - occurred_at) WHERE id = ? AND status = 'open'`,
      )
      .bind(r.resolvedAt, r.resolvedBy, r.resolvedByEvent, r.resolvedAt, r.id),
  );
}
