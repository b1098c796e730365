// Read models of the violations table for the managers' view: filtered, keyset-paginated lists and one violation in
// full with its trace, action outcomes and source events. Every filter value is a bound parameter; only whitelisted
// SQL fragments are concatenated. Reads only: never writes.
import {
  isoOrNull,
  mapViolationRow,
  parseJsonColumn,
  VIOLATION_LIST_COLUMNS,
  type ViolationItem,
  type ViolationListRow,
} from "./violations";
import type { Mode } from "../policy";

export interface ViolationFilter {
  status?: "open" | "resolved";
  ownerId?: string;
  /** Team scope: null = all teams; [] = none. */
  teams: string[] | null;
  policyId?: string;
  ruleId?: string;
  severity?: "info" | "warning" | "critical";
  mode?: Mode;
  pipelineId?: string;
  stage?: string;
  dealId?: string;
  /** occurred_at >= from (epoch ms). */
  from?: number;
  /** occurred_at < to (epoch ms). */
  to?: number;
}

export type SortOrder = "desc" | "asc";
export interface Cursor {
  occurredAt: number;
  id: string;
}
export interface PageRequest {
  sort: SortOrder;
  limit: number;
  after?: Cursor;
}
export interface ViolationPage {
  items: ViolationItem[];
  next: Cursor | null;
}

interface Where {
  sql: string;
  params: unknown[];
}

/** Builds the WHERE clause of a filter; shared with the summary queries so both count the same rows. */
export function buildViolationWhere(f: ViolationFilter, alias = ""): Where {
  const col = (name: string) => alias + name;
  const parts: string[] = [];
  const params: unknown[] = [];
  const eq = (name: string, value: unknown) => {
    if (value === undefined) return;
    parts.push(`${col(name)} = ?`);
    params.push(value);
  };
  eq("status", f.status);
  eq("owner_id", f.ownerId);
  eq("policy_id", f.policyId);
  eq("rule_id", f.ruleId);
  eq("severity", f.severity);
  eq("mode", f.mode);
  eq("pipeline_id", f.pipelineId);
  eq("to_stage", f.stage);
  eq("deal_id", f.dealId);
  if (f.teams !== null) {
    if (f.teams.length === 0) parts.push("0");
    else {
      parts.push(`${col("team_id")} IN (${f.teams.map(() => "?").join(", ")})`);
      params.push(...f.teams);
    }
  }
  if (f.from !== undefined) {
    parts.push(`${col("occurred_at")} >= ?`);
    params.push(f.from);
  }
  if (f.to !== undefined) {
    parts.push(`${col("occurred_at")} < ?`);
    params.push(f.to);
  }
  return { sql: parts.length ? parts.join(" AND ") : "1", params };
}

/** One page of violations, newest first by default; `next` is null on the last page. */
export async function listViolations(db: D1Database, filter: ViolationFilter, page: PageRequest): Promise<ViolationPage> {
  const where = buildViolationWhere(filter);
  const params = [...where.params];
  let keyset = "";
  if (page.after) {
    // Keyset on (occurred_at, id): rows inserted later never shift a page boundary.
    keyset = page.sort === "desc" ? " AND (occurred_at, id) < (?, ?)" : " AND (occurred_at, id) > (?, ?)";
    params.push(page.after.occurredAt, page.after.id);
  }
  const direction = page.sort === "desc" ? "DESC" : "ASC";
  const sql =
    `SELECT ${VIOLATION_LIST_COLUMNS} FROM violations WHERE ${where.sql}${keyset}` +
    ` ORDER BY occurred_at ${direction}, id ${direction} LIMIT ?`;
  params.push(page.limit + 1);
  const { results } = await db.prepare(sql).bind(...params).all<ViolationListRow>();
  const rows = results.slice(0, page.limit);
  const last = rows[rows.length - 1];
  const next = results.length > page.limit && last ? { occurredAt: last.occurred_at, id: last.id } : null;
  return { items: rows.map(mapViolationRow), next };
}

// One violation in full: its trace, actions with outcomes, and the inbox events that caused it.

export interface SourceEvent {
  hash: string;
  eventId: string;
  subscriptionType: string;
  propertyName: string | null;
  occurredAt: string;
  receivedAt: string;
  status: string;
  payload: unknown;
}

export interface ViolationDetail extends ViolationItem {
  actorOwnerId: string | null;
  sourceId: string | null;
  resolvedBy: string | null;
  resolvedByEvent: string | null;
  trace: unknown[];
  actions: unknown[];
  sourceEventHashes: string[];
  sourceEvents: SourceEvent[];
}

interface DetailRow extends ViolationListRow {
  actor_owner_id: string | null;
  source_id: string | null;
  resolved_by: string | null;
  resolved_by_event: string | null;
  trace: string;
  actions: string;
  source_events: string;
}

interface InboxRow {
  hash: string;
  event_id: string;
  subscription_type: string;
  property_name: string | null;
  occurred_at: number;
  received_at: number;
  status: string;
  payload: string;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Returns the violation or null when there is none with that id. */
export async function getViolation(db: D1Database, id: string): Promise<ViolationDetail | null> {
  const row = await db
    .prepare(
      `SELECT ${VIOLATION_LIST_COLUMNS}, actor_owner_id, source_id, resolved_by, resolved_by_event, trace, actions, source_events
       FROM violations WHERE id = ?`,
    )
    .bind(id)
    .first<DetailRow>();
  if (!row) return null;
  const hashes = asArray(parseJsonColumn(row.source_events, [])).filter((h): h is string => typeof h === "string");
  const { results } = await db
    .prepare(
      `SELECT hash, event_id, subscription_type, property_name, occurred_at, received_at, status, payload
       FROM inbox_events WHERE hash IN (SELECT value FROM json_each(?)) ORDER BY occurred_at`,
    )
    .bind(JSON.stringify(hashes))
    .all<InboxRow>();
  return {
    ...mapViolationRow(row),
    actorOwnerId: row.actor_owner_id,
    sourceId: row.source_id,
    resolvedBy: row.resolved_by,
    resolvedByEvent: row.resolved_by_event,
    trace: asArray(parseJsonColumn(row.trace, [])),
    actions: asArray(parseJsonColumn(row.actions, [])),
    sourceEventHashes: hashes,
    sourceEvents: results.map((e) => ({
      hash: e.hash,
      eventId: e.event_id,
      subscriptionType: e.subscription_type,
      propertyName: e.property_name,
      occurredAt: new Date(e.occurred_at).toISOString(),
      receivedAt: isoOrNull(e.received_at) ?? "",
      status: e.status,
      payload: parseJsonColumn(e.payload, null),
    })),
  };
}
