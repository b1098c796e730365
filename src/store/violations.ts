// The `violations` table: what a violation says about a change (ViolationFacts, named once for both sides), the
// enforcement writes (idempotent insert, action outcomes, resolution) with the rows they read back, and the row ↔ item
// mapping the managers' read models share. Reads follow one rule: `get` by id, `list` filtered. Never serves HTTP.
import type { Mode, Violation } from "../policy";
import { rowsForDeals } from "./rows-for-deals";

/** The policy's verdict (policy, rule, severity, mode, message, missing) plus where and by whom it happened. */
export interface ViolationFacts extends Pick<Violation, "policyId" | "policyVersion" | "ruleId" | "severity" | "mode" | "message" | "missing"> {
  id: string;
  portalId: number;
  dealId: string;
  dealName: string | null;
  pipelineId: string | null;
  fromStage: string | null;
  toStage: string | null;
  fromStageLabel: string | null;
  toStageLabel: string | null;
  ownerId: string | null;
  teamId: string | null;
  actorUserId: string | null;
  changeSource: string | null;
}

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
  fromStage: string | null;
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
  from_stage: string | null;
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
    fromStage: row.from_stage, status: row.status, actions, taskId: row.task_id, reverted: row.reverted === 1, occurredAt: row.occurred_at,
  };
}

const STORED_COLUMNS = "id, deal_id, policy_id, rule_id, to_stage, from_stage, status, actions, task_id, reverted, occurred_at";

/** The violations of these deals that happened at or after `since` (epoch ms), keyed by id. */
export async function listViolationsSince(db: D1Database, dealIds: string[], since: number): Promise<Map<string, StoredViolation>> {
  const out = new Map<string, StoredViolation>();
  const rows = await rowsForDeals<StoredRow>(db, dealIds, (ids, marks) => db.prepare(`SELECT ${STORED_COLUMNS} FROM violations WHERE deal_id IN (${marks}) AND occurred_at >= ?`).bind(...ids, since));
  for (const row of rows) out.set(row.id, toStored(row));
  return out;
}

export async function listOpenViolations(db: D1Database, dealIds: string[]): Promise<StoredViolation[]> {
  const rows = await rowsForDeals<StoredRow>(db, dealIds, (ids, marks) => db.prepare(`SELECT ${STORED_COLUMNS} FROM violations WHERE status = 'open' AND deal_id IN (${marks})`).bind(...ids));
  return rows.map(toStored);
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

// Row ↔ item mapping for the managers' view (list item and full detail).

export const VIOLATION_LIST_COLUMNS =
  "id, portal_id, deal_id, deal_name, pipeline_id, from_stage, to_stage, from_stage_label, to_stage_label, " +
  "policy_id, policy_version, rule_id, severity, mode, message, missing, owner_id, team_id, actor_user_id, " +
  "change_source, task_id, reverted, status, occurred_at, detected_at, resolved_at, time_to_fix_ms";

export interface ViolationListRow {
  id: string;
  portal_id: number;
  deal_id: string;
  deal_name: string | null;
  pipeline_id: string | null;
  from_stage: string | null;
  to_stage: string | null;
  from_stage_label: string | null;
  to_stage_label: string | null;
  policy_id: string;
  policy_version: string;
  rule_id: string;
  severity: "info" | "warning" | "critical";
  mode: Mode;
  message: string;
  missing: string;
  owner_id: string | null;
  team_id: string | null;
  actor_user_id: string | null;
  change_source: string | null;
  task_id: string | null;
  reverted: number;
  status: "open" | "resolved";
  occurred_at: number;
  detected_at: number;
  resolved_at: number | null;
  time_to_fix_ms: number | null;
}

/** A violation as the API lists it; CSV exports exactly these fields in this order. */
export interface ViolationItem extends ViolationFacts {
  taskId: string | null;
  reverted: boolean;
  status: "open" | "resolved";
  occurredAt: string;
  detectedAt: string;
  resolvedAt: string | null;
  timeToFixMs: number | null;
}

export const VIOLATION_ITEM_FIELDS: ReadonlyArray<keyof ViolationItem> = [
  "id", "portalId", "dealId", "dealName", "pipelineId", "fromStage", "toStage", "fromStageLabel", "toStageLabel",
  "policyId", "policyVersion", "ruleId", "severity", "mode", "message", "missing", "ownerId", "teamId",
  "actorUserId", "changeSource", "taskId", "reverted", "status", "occurredAt", "detectedAt", "resolvedAt", "timeToFixMs",
];

/** Parses a JSON column written by enforcement; a malformed value becomes `fallback` rather than a 500. */
export function parseJsonColumn<T>(text: string | null, fallback: T): T | unknown {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    console.warn("malformed JSON column", err instanceof Error ? err.message : String(err));
    return fallback;
  }
}

function toStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))) : [];
}

export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function mapViolationRow(r: ViolationListRow): ViolationItem {
  return {
    id: r.id, portalId: r.portal_id, dealId: r.deal_id, dealName: r.deal_name, pipelineId: r.pipeline_id,
    fromStage: r.from_stage, toStage: r.to_stage, fromStageLabel: r.from_stage_label, toStageLabel: r.to_stage_label,
    policyId: r.policy_id, policyVersion: r.policy_version, ruleId: r.rule_id, severity: r.severity, mode: r.mode, message: r.message,
    missing: toStringArray(parseJsonColumn(r.missing, [])),
    ownerId: r.owner_id, teamId: r.team_id, actorUserId: r.actor_user_id, changeSource: r.change_source,
    taskId: r.task_id, reverted: r.reverted === 1, status: r.status,
    occurredAt: new Date(r.occurred_at).toISOString(),
    detectedAt: new Date(r.detected_at).toISOString(),
    resolvedAt: isoOrNull(r.resolved_at),
    timeToFixMs: r.time_to_fix_ms,
  };
}
