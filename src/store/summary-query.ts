// Aggregates over violations and stage_transitions for a time window: counts by owner/team/rule/stage/week,
// open vs resolved, median time-to-fix, share of compliant stage changes. One D1 round trip (batch).
import { COMPLIANCE_SQL, RESOLUTION_KIND_SQL, shareOf } from "./figures";
import { buildViolationWhere, type ViolationFilter } from "./violations-query";

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
// Epoch day 0 was a Thursday; shifting by 3 days makes weeks start on Monday (UTC).
const MONDAY_SHIFT_MS = 3 * 24 * 60 * 60 * 1000;

export interface Counts {
  open: number;
  resolved: number;
  total: number;
}
export interface SummaryFilter extends Pick<ViolationFilter, "teams" | "ownerId" | "policyId" | "ruleId"> {
  from: number;
  to: number;
}
export interface Summary {
  window: { from: string; to: string };
  totals: Counts;
  /** How resolved violations were closed: fixed by a person, reverted by the engine, or closed by a merge. */
  resolutions: Resolutions;
  /** Median time to fix over people's fixes only (reverts and merges are not fixes). */
  medianTimeToFixMs: number | null;
  /** Stage moves with no violation (figures.ts COMPLIANCE_SQL): deal creations excluded, counted apart. */
  stageChanges: { total: number; compliant: number; compliantShare: number | null; creations: number };
  byOwner: Array<Counts & { ownerId: string | null }>;
  byTeam: Array<Counts & { teamId: string | null }>;
  byRule: Array<Counts & { policyId: string; ruleId: string }>;
  byStage: Array<Counts & { stage: string | null }>;
  byWeek: Array<Counts & { week: string }>;
}

interface ChangeRow {
  changes: number;
  compliant: number;
  creations: number;
}

export interface Resolutions {
  byPerson: number;
  byEngine: number;
  byMerge: number;
}

const PEOPLES_FIX_SQL = "COALESCE(resolved_by, '') NOT LIKE 'engine:%' AND COALESCE(resolved_by, '') NOT LIKE 'merged:%'";

interface CountRow {
  k1: string | null;
  k2: string | null;
  open: number;
  resolved: number;
}

const counts = (r: { open: number; resolved: number }): Counts => ({ open: r.open, resolved: r.resolved, total: r.open + r.resolved });

/** Monday 00:00 UTC of the week containing `ms`, as YYYY-MM-DD. */
export function weekStartOf(ms: number): string {
  const index = Math.floor((ms + MONDAY_SHIFT_MS) / WEEK_MS);
  return new Date(index * WEEK_MS - MONDAY_SHIFT_MS).toISOString().slice(0, 10);
}

/** Every week start (Monday, YYYY-MM-DD) overlapping [from, to): the current, partial week included. */
export function weeksOf(from: number, to: number): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${weekStartOf(from)}T00:00:00Z`); t < to; t += WEEK_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Builds the transitions WHERE for the same scope (team, owner, window). */
function transitionWhere(f: SummaryFilter): { sql: string; params: unknown[] } {
  const parts = ["occurred_at >= ?", "occurred_at < ?"];
  const params: unknown[] = [f.from, f.to];
  if (f.ownerId !== undefined) {
    parts.push("owner_id = ?");
    params.push(f.ownerId);
  }
  if (f.teams !== null) {
    parts.push(f.teams.length ? `team_id IN (${f.teams.map(() => "?").join(", ")})` : "0");
    params.push(...f.teams);
  }
  return { sql: parts.join(" AND "), params };
}

export const DAY_MS = 24 * 60 * 60 * 1000;
const TALLY = "SUM(status = 'open') AS open, SUM(status = 'resolved') AS resolved";
const ORDER = "ORDER BY open + resolved DESC, k1, k2";

/**
 * The rollup tables (0004, kept by triggers) answer whole-day windows without owner/policy/rule filters;
 * anything finer reads violations directly. Both give the same numbers (tested).
 */
export function canUseRollup(f: SummaryFilter): boolean {
  const wholeDays = f.from % DAY_MS === 0 && f.to % DAY_MS === 0;
  // '*' is the rollup's all-teams marker, never a HubSpot team id.
  return f.ownerId === undefined && f.policyId === undefined && f.ruleId === undefined && wholeDays && !(f.teams ?? []).includes("*");
}

function rollupStatements(db: D1Database, f: SummaryFilter): D1PreparedStatement[] {
  const days = [f.from / DAY_MS, f.to / DAY_MS];
  const sums = "SUM(open) AS open, SUM(resolved) AS resolved";
  // Unrestricted callers read the '*' (all teams) rows where they exist; team-scoped callers read their teams' rows.
  const scope = (allTeams: "star" | "teams") => {
    if (f.teams === null) return allTeams === "star" ? { sql: " AND team_id = '*'", params: [] } : { sql: " AND team_id <> '*'", params: [] };
    if (f.teams.length === 0) return { sql: " AND 0", params: [] };
    return { sql: ` AND team_id IN (${f.teams.map(() => "?").join(", ")})`, params: f.teams };
  };
  const q = (dim: string, keys: string, group: string, rows: "star" | "teams") => {
    const sc = scope(rows);
    return db
      .prepare(`SELECT ${keys}, ${sums} FROM violation_rollup WHERE dim = '${dim}' AND day >= ? AND day < ?${sc.sql} GROUP BY ${group} HAVING SUM(open) + SUM(resolved) > 0 ${ORDER}`)
      .bind(...days, ...sc.params);
  };
  const weekScope = scope("star");
  const transitionScope = scope("teams");
  return [
    q("owner", "NULLIF(k1, '') AS k1, NULL AS k2", "1", "teams"),
    q("team", "NULLIF(team_id, '') AS k1, NULL AS k2", "1", "teams"),
    q("rule", "k1, k2", "1, 2", "star"),
    q("stage", "NULLIF(k1, '') AS k1, NULL AS k2", "1", "star"),
    db
      .prepare(`SELECT (day + 3) / 7 AS k1, NULL AS k2, ${sums} FROM violation_rollup WHERE dim = 'team' AND day >= ? AND day < ?${weekScope.sql} GROUP BY 1 HAVING SUM(open) + SUM(resolved) > 0 ORDER BY 1`)
      .bind(...days, ...weekScope.params),
    // The histogram has no team dimension: team-scoped medians scan that team's rows (a small range).
    f.teams === null ? histogramStatement(db, f) : medianStatement(db, f),
    db
      .prepare(`SELECT ${COMPLIANCE_SQL.rollup} FROM stage_change_rollup WHERE day >= ? AND day < ?${transitionScope.sql}`)
      .bind(...days, ...transitionScope.params),
    db
      .prepare(`SELECT kind, SUM(count) AS count FROM resolution_rollup WHERE day >= ? AND day < ?${weekScope.sql} GROUP BY kind`)
      .bind(...days, ...weekScope.params),
  ];
}

function violationWhere(f: SummaryFilter) {
  return buildViolationWhere({ teams: f.teams, ownerId: f.ownerId, policyId: f.policyId, ruleId: f.ruleId, from: f.from, to: f.to });
}

/**
 * The median time-to-fix is reported as the midpoint of its 2-significant-digit minute bucket (within 5%),
 * so the rollup histogram and an exact scan give the same answer. For an even count the lower middle is used.
 */
export function bucketOfMs(ms: number): number {
  const m = Math.max(0, Math.trunc(ms / 60000));
  if (m < 10) return m;
  const digits = String(m).length;
  const step = 10 ** (digits - 2);
  return Math.floor(m / step) * step;
}

export function bucketMidpointMs(bucket: number): number {
  const step = bucket < 10 ? 1 : 10 ** (String(bucket).length - 2);
  return Math.round((bucket + step / 2) * 60000);
}

/** Exact lower median of fix times in the window (raw path). */
function medianStatement(db: D1Database, f: SummaryFilter): D1PreparedStatement {
  const where = violationWhere(f);
  return db
    .prepare(
      `WITH fixed AS (SELECT time_to_fix_ms AS t FROM violations WHERE ${where.sql} AND status = 'resolved' AND time_to_fix_ms IS NOT NULL AND ${PEOPLES_FIX_SQL})
       SELECT NULL AS bucket, t AS value, (SELECT COUNT(*) FROM fixed) AS count FROM fixed ORDER BY t LIMIT 1 OFFSET ((SELECT COUNT(*) FROM fixed) - 1) / 2`,
    )
    .bind(...where.params);
}

/** Histogram of fix times in the window (rollup path). */
function histogramStatement(db: D1Database, f: SummaryFilter): D1PreparedStatement {
  return db
    .prepare("SELECT bucket, NULL AS value, SUM(count) AS count FROM fix_rollup WHERE day >= ? AND day < ? GROUP BY bucket HAVING SUM(count) > 0 ORDER BY bucket")
    .bind(f.from / DAY_MS, f.to / DAY_MS);
}

interface MedianRow {
  bucket: number | null;
  value: number | null;
  count: number;
}

/** Turns either median answer (one exact row, or a histogram) into the reported bucket midpoint. */
export function readMedian(rows: MedianRow[]): number | null {
  const first = rows[0];
  if (!first) return null;
  if (first.value !== null) return bucketMidpointMs(bucketOfMs(first.value));
  const total = rows.reduce((n, r) => n + r.count, 0);
  const rank = Math.floor((total - 1) / 2);
  let seen = 0;
  for (const r of rows) {
    seen += r.count;
    if (seen > rank && r.bucket !== null) return bucketMidpointMs(r.bucket);
  }
  return null;
}

function rawStatements(db: D1Database, f: SummaryFilter): D1PreparedStatement[] {
  const where = violationWhere(f);
  const grouped = (keys: string, group: string) =>
    db.prepare(`SELECT ${keys}, ${TALLY} FROM violations WHERE ${where.sql} GROUP BY ${group} ${ORDER}`).bind(...where.params);
  const tw = transitionWhere(f);
  return [
    grouped("owner_id AS k1, NULL AS k2", "1"),
    grouped("team_id AS k1, NULL AS k2", "1"),
    grouped("policy_id AS k1, rule_id AS k2", "1, 2"),
    grouped("to_stage AS k1, NULL AS k2", "1"),
    db
      .prepare(`SELECT (occurred_at + ${MONDAY_SHIFT_MS}) / ${WEEK_MS} AS k1, NULL AS k2, ${TALLY} FROM violations WHERE ${where.sql} GROUP BY 1 ORDER BY 1`)
      .bind(...where.params),
    medianStatement(db, f),
    db.prepare(`SELECT ${COMPLIANCE_SQL.raw()} FROM stage_transitions WHERE ${tw.sql}`).bind(...tw.params),
    db.prepare(`SELECT ${RESOLUTION_KIND_SQL} AS kind, COUNT(*) AS count FROM violations WHERE ${where.sql} AND status = 'resolved' GROUP BY 1`).bind(...where.params),
  ];
}

/** Computes the summary in one D1 round trip. Throws only on D1 errors. */
export async function getSummary(db: D1Database, f: SummaryFilter): Promise<Summary> {
  const statements = canUseRollup(f) ? rollupStatements(db, f) : rawStatements(db, f);
  const [owners, teams, rules, stages, weeks, fix, transitions, kinds] = await db.batch<CountRow | MedianRow | ChangeRow>(statements);
  const rows = (r: D1Result<unknown> | undefined) => (r?.results ?? []) as CountRow[];
  const ownerRows = rows(owners);
  const totals = ownerRows.reduce((acc, r) => ({ open: acc.open + r.open, resolved: acc.resolved + r.resolved }), { open: 0, resolved: 0 });

  const tr = (transitions?.results[0] ?? { changes: 0, compliant: 0, creations: 0 }) as ChangeRow;
  return {
    window: { from: new Date(f.from).toISOString(), to: new Date(f.to).toISOString() },
    totals: counts(totals),
    resolutions: readResolutions((kinds?.results ?? []) as unknown as Array<{ kind: string; count: number }>),
    medianTimeToFixMs: readMedian((fix?.results ?? []) as MedianRow[]),
    stageChanges: { total: tr.changes, compliant: tr.compliant, compliantShare: shareOf(tr.compliant, tr.changes), creations: tr.creations },
    byOwner: ownerRows.map((r) => ({ ownerId: r.k1, ...counts(r) })),
    byTeam: rows(teams).map((r) => ({ teamId: r.k1, ...counts(r) })),
    byRule: rows(rules).map((r) => ({ policyId: r.k1 ?? "", ruleId: r.k2 ?? "", ...counts(r) })),
    byStage: rows(stages).map((r) => ({ stage: r.k1, ...counts(r) })),
    byWeek: rows(weeks).map((r) => ({ week: new Date(Number(r.k1) * WEEK_MS - MONDAY_SHIFT_MS).toISOString().slice(0, 10), ...counts(r) })),
  };
}

function readResolutions(rows: Array<{ kind: string; count: number }>): Resolutions {
  const of = (kind: string) => rows.find((r) => r.kind === kind)?.count ?? 0;
  return { byPerson: of("person"), byEngine: of("engine"), byMerge: of("merge") };
}
