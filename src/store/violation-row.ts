// Row ↔ domain mapping for violations as the managers' view shows them (list item and full detail).
import type { ViolationFacts } from "./violation-facts";

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
  mode: "audit" | "enforce";
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
    id: r.id,
    portalId: r.portal_id,
    dealId: r.deal_id,
    dealName: r.deal_name,
    pipelineId: r.pipeline_id,
    fromStage: r.from_stage,
    toStage: r.to_stage,
    fromStageLabel: r.from_stage_label,
    toStageLabel: r.to_stage_label,
    policyId: r.policy_id,
    policyVersion: r.policy_version,
    ruleId: r.rule_id,
    severity: r.severity,
    mode: r.mode,
    message: r.message,
    missing: toStringArray(parseJsonColumn(r.missing, [])),
    ownerId: r.owner_id,
    teamId: r.team_id,
    actorUserId: r.actor_user_id,
    changeSource: r.change_source,
    taskId: r.task_id,
    reverted: r.reverted === 1,
    status: r.status,
    occurredAt: new Date(r.occurred_at).toISOString(),
    detectedAt: new Date(r.detected_at).toISOString(),
    resolvedAt: isoOrNull(r.resolved_at),
    timeToFixMs: r.time_to_fix_ms,
  };
}
