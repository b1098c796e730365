// Governance properties in D1: the values last written to each deal, the facts they are computed from (open
// violations, the latest violation), the hand edits put back, the resumable cursor and the install state.
import type { GovernanceFacts, GovernanceStatus, GovernanceValues } from "../governance";
import { deterministicId } from "./ids";
import { rowsForDeals } from "./rows-for-deals";

interface ValuesRow {
  deal_id: string;
  status: GovernanceStatus;
  open_violations: number;
  open_rules: string;
  last_violation_at: number | null;
  last_checked_at: number;
}

const toValues = (r: ValuesRow): GovernanceValues => ({
  status: r.status,
  openViolations: r.open_violations,
  openRules: r.open_rules,
  lastViolationAt: r.last_violation_at,
  lastCheckedAt: r.last_checked_at,
});

/** The values last written per deal (absent: never written). */
export async function listWrittenGovernance(db: D1Database, dealIds: string[]): Promise<Map<string, GovernanceValues>> {
  const out = new Map<string, GovernanceValues>();
  const rows = await rowsForDeals<ValuesRow>(db, dealIds, (ids, marks) =>
    db.prepare(`SELECT deal_id, status, open_violations, open_rules, last_violation_at, last_checked_at FROM governance_values WHERE deal_id IN (${marks})`).bind(...ids),
  );
  for (const r of rows) out.set(r.deal_id, toValues(r));
  return out;
}

export function saveWrittenGovernanceStatements(db: D1Database, writes: Array<{ dealId: string; values: GovernanceValues }>, now: number): D1PreparedStatement[] {
  return writes.map(({ dealId, values: v }) =>
    db
      .prepare(
        `INSERT INTO governance_values (deal_id, status, open_violations, open_rules, last_violation_at, last_checked_at, written_at) VALUES (?,?,?,?,?,?,?)
         ON CONFLICT (deal_id) DO UPDATE SET status = excluded.status, open_violations = excluded.open_violations, open_rules = excluded.open_rules,
           last_violation_at = excluded.last_violation_at, last_checked_at = excluded.last_checked_at, written_at = excluded.written_at`,
      )
      .bind(dealId, v.status, v.openViolations, v.openRules, v.lastViolationAt, v.lastCheckedAt, now),
  );
}

interface FactRow {
  id: string;
  deal_id: string;
  status: "open" | "resolved";
  message: string;
  occurred_at: number;
  resolved_by: string | null;
}

/**
 * The facts query for `n` deals. `+mode` keeps SQLite off the `mode` index: without table statistics it would pick
 * `violations_mode_time` and scan every enforce-mode violation, once for the query and again in the subquery for
 * each row — a cost that grows with the whole table, not the batch. By `deal_id` it reads only the batch's deals.
 */
export function governanceFactsSql(n: number): string {
  return `SELECT id, deal_id, status, message, occurred_at, resolved_by FROM violations v WHERE deal_id IN (${Array.from({ length: n }, () => "?").join(",")}) AND +mode IN ('enforce', 'warn')
         AND (status = 'open' OR occurred_at = (SELECT MAX(occurred_at) FROM violations w WHERE w.deal_id = v.deal_id AND +w.mode IN ('enforce', 'warn')))`;
}

/**
 * The recorded facts per deal: its open violations and its latest violation, enforce and warn mode only (a rule
 * rolled out in audit mode stays off the deal record until it warns or is enforced). `excepted` is false here (only a run's
 * evaluation knows it). Deals without any violation get empty facts.
 */
export async function listGovernanceFacts(db: D1Database, dealIds: string[]): Promise<Map<string, GovernanceFacts>> {
  const out = new Map<string, GovernanceFacts>(dealIds.map((id) => [id, { open: [], latest: null, excepted: false }]));
  const rows = await rowsForDeals<FactRow>(db, dealIds, (ids) => db.prepare(governanceFactsSql(ids.length)).bind(...ids));
  for (const r of rows) {
    const facts = out.get(r.deal_id);
    if (facts === undefined) continue;
    if (r.status === "open") facts.open.push({ id: r.id, message: r.message, occurredAt: r.occurred_at });
    if (facts.latest === null || r.occurred_at > facts.latest.occurredAt || (r.occurred_at === facts.latest.occurredAt && r.resolved_by === "engine:revert")) {
      facts.latest = { id: r.id, occurredAt: r.occurred_at, resolvedBy: r.status === "open" ? null : r.resolved_by };
    }
  }
  return out;
}

export interface GovernanceRepair {
  dealId: string;
  property: string;
  foundValue: string | null;
  restoredValue: string | null;
  foundBy: "webhook" | "cron" | "sync";
}

export function recordRepairStatements(db: D1Database, repairs: GovernanceRepair[], now: number): D1PreparedStatement[] {
  return repairs.map((r) =>
    db
      .prepare("INSERT OR IGNORE INTO governance_repairs (id, deal_id, property, found_value, restored_value, found_by, repaired_at) VALUES (?,?,?,?,?,?,?)")
      .bind(deterministicId(r.dealId, r.property, r.foundValue, now), r.dealId, r.property, r.foundValue, r.restoredValue, r.foundBy, now),
  );
}

export async function listRepairs(db: D1Database, dealId: string): Promise<GovernanceRepair[]> {
  const rows = await db
    .prepare("SELECT deal_id, property, found_value, restored_value, found_by FROM governance_repairs WHERE deal_id = ? ORDER BY repaired_at")
    .bind(dealId)
    .all<{ deal_id: string; property: string; found_value: string | null; restored_value: string | null; found_by: GovernanceRepair["foundBy"] }>();
  return rows.results.map((r) => ({ dealId: r.deal_id, property: r.property, foundValue: r.found_value, restoredValue: r.restored_value, foundBy: r.found_by }));
}

/**
 * One page of deals the sync must look at, by id after `after`: every deal with an open violation, with values
 * written before (a stale value is one of those), or known to the engine and never written (its first "compliant").
 * Ordered so a cursor resumes where a run stopped.
 */
export async function listGovernanceDealsPage(db: D1Database, after: string, limit: number): Promise<string[]> {
  const rows = await db
    .prepare(
      `SELECT deal_id FROM (SELECT deal_id FROM violations WHERE status = 'open' UNION SELECT deal_id FROM governance_values
         UNION SELECT deal_id FROM deal_state WHERE status = 'active')
       WHERE deal_id > ? AND deal_id NOT IN (SELECT deal_id FROM deal_state WHERE status != 'active') ORDER BY deal_id LIMIT ?`,
    )
    .bind(after, limit)
    .all<{ deal_id: string }>();
  return rows.results.map((r) => r.deal_id);
}

export async function getGovernanceCursor(db: D1Database, job: string): Promise<string> {
  const row = await db.prepare("SELECT after_deal FROM governance_cursor WHERE job = ?").bind(job).first<{ after_deal: string }>();
  return row?.after_deal ?? "";
}

export function setGovernanceCursorStatement(db: D1Database, job: string, afterDeal: string, now: number): D1PreparedStatement {
  return db
    .prepare("INSERT INTO governance_cursor (job, after_deal, updated_at) VALUES (?,?,?) ON CONFLICT (job) DO UPDATE SET after_deal = excluded.after_deal, updated_at = excluded.updated_at")
    .bind(job, afterDeal, now);
}

export interface InstallState {
  status: "installed" | "refused";
  detail: string | null;
  checkedAt: number;
}

export async function getInstallState(db: D1Database, portalKey: string): Promise<InstallState | null> {
  const row = await db.prepare("SELECT status, detail, checked_at FROM governance_install WHERE portal_key = ?").bind(portalKey).first<{ status: InstallState["status"]; detail: string | null; checked_at: number }>();
  return row === null ? null : { status: row.status, detail: row.detail, checkedAt: row.checked_at };
}

export function setInstallStateStatement(db: D1Database, portalKey: string, state: InstallState): D1PreparedStatement {
  return db
    .prepare("INSERT INTO governance_install (portal_key, status, detail, checked_at) VALUES (?,?,?,?) ON CONFLICT (portal_key) DO UPDATE SET status = excluded.status, detail = excluded.detail, checked_at = excluded.checked_at")
    .bind(portalKey, state.status, state.detail, state.checkedAt);
}
