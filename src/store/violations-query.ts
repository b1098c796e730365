// Read side of the violations table (0002): filtered, keyset-paginated lists and one violation with its
// source events. Every filter value is a bound parameter; only whitelisted SQL fragments are concatenated.
import { mapViolationRow, VIOLATION_LIST_COLUMNS, type ViolationListRow, type ViolationItem } from "./violation-row";

export interface ViolationFilter {
  status?: "open" | "resolved";
  ownerId?: string;
  /** Team scope: null = all teams; [] = none. */
  teams: string[] | null;
  policyId?: string;
  ruleId?: string;
  severity?: "info" | "warning" | "critical";
  mode?: "audit" | "enforce";
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
