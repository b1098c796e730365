// A rep's record for coaching: violations, compliance rate, stage-to-stage conversion ("batting average"),
// median time in stage, close-date pushes and a weekly trend. Reads violations, stage_transitions, close_date_changes.
import { COMPLIANCE_SQL, shareOf } from "./figures";
import { emptyPeriod, foldStages, stageStatements, type StageSeries } from "./stage-figures";
import { DAY_MS, WEEK_MS, weeksOf, type Counts } from "./summary-query";
import { listViolations } from "./violations-query";
import type { ViolationItem } from "./violations";

export interface RepFilter {
  ownerId: string;
  teams: string[] | null;
  from: number;
  to: number;
}
export interface StageStat {
  pipelineId: string | null;
  stage: string;
  stageIndex: number | null;
  dealsEntered: number;
  /** Share of deals that entered this stage and later entered the next one (by pipeline order). */
  conversionToNext: number | null;
  nextStage: string | null;
  medianTimeInStageMs: number | null;
}
export interface RepRecord {
  ownerId: string;
  window: { from: string; to: string };
  violations: Counts;
  byRule: Array<Counts & { policyId: string; ruleId: string }>;
  /** Stage moves (creations excluded, counted apart): figures.ts COMPLIANCE_SQL. */
  stageChanges: { total: number; compliant: number; complianceRate: number | null; creations: number };
  stages: StageStat[];
  wonDeals: number;
  closeDatePushes: { count: number; totalDaysPushed: number; deals: number; recent: Array<{ dealId: string; pushedDays: number | null; occurredAt: string }> };
  trend: Array<{ week: string; violations: number; stageChanges: number; compliant: number }>;
  openViolations: ViolationItem[];
}

/**
 * The rep's teams: from the owners cache (0003) when present, else the teams the rep was last seen in on
 * transitions and violations. null when the rep is unknown everywhere.
 */
export async function findRepTeams(db: D1Database, ownerId: string): Promise<string[] | null> {
  const row = await db
    .prepare(
      `SELECT (SELECT team_ids FROM owners WHERE id = ?1) AS cached,
              (SELECT team_id FROM stage_transitions WHERE owner_id = ?1 ORDER BY occurred_at DESC LIMIT 1) AS t1,
              (SELECT team_id FROM violations WHERE owner_id = ?1 ORDER BY occurred_at DESC LIMIT 1) AS t2,
              EXISTS (SELECT 1 FROM owners WHERE id = ?1) OR EXISTS (SELECT 1 FROM stage_transitions WHERE owner_id = ?1)
                OR EXISTS (SELECT 1 FROM violations WHERE owner_id = ?1) AS known`,
    )
    .bind(ownerId)
    .first<{ cached: string | null; t1: string | null; t2: string | null; known: number }>();
  if (!row || row.known !== 1) return null;
  let cached: string[] = [];
  try {
    const parsed: unknown = row.cached ? JSON.parse(row.cached) : [];
    cached = Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === "string") : [];
  } catch (err) {
    console.warn("owners.team_ids is not JSON", err instanceof Error ? err.message : String(err));
  }
  return [...new Set([...cached, row.t1, row.t2].filter((t): t is string => t !== null))];
}

function teamClause(teams: string[] | null): { sql: string; params: string[] } {
  if (teams === null) return { sql: "", params: [] };
  if (teams.length === 0) return { sql: " AND 0", params: [] };
  return { sql: ` AND team_id IN (${teams.map(() => "?").join(", ")})`, params: teams };
}

/** Per stage over the window (pipeline order): deals entered, conversion (figures.ts), median time in it. */
export function toStageStats(series: StageSeries[]): StageStat[] {
  return series.map((s, i) => {
    const p = s.byPeriod.get("window") ?? emptyPeriod();
    // The next stage shown is the next one entered in pipeline order; a closed stage converts to nothing.
    const next = s.closed ? undefined : series.slice(i + 1).find((n) => n.pipelineId === s.pipelineId && n.stageIndex !== null);
    return {
      pipelineId: s.pipelineId,
      stage: s.stage,
      stageIndex: s.stageIndex,
      dealsEntered: p.entered,
      conversionToNext: p.conversion,
      nextStage: next ? next.stage : null,
      medianTimeInStageMs: p.medianTimeInStageMs,
    };
  });
}

/**
 * The weekly trend from the rollups (violation_rollup, stage_change_rollup): one grouped read per series over the
 * whole UTC weeks the window touches, so its cost follows the number of weeks (≤ 105), not the number of rows.
 */
function weeklyStatement(db: D1Database, f: RepFilter): D1PreparedStatement {
  const team = teamClause(f.teams);
  const firstWeek = Math.floor((f.from / DAY_MS + 3) / 7);
  const lastWeek = Math.floor(((f.to - 1) / DAY_MS + 3) / 7);
  const days = [firstWeek * 7 - 3, (lastWeek + 1) * 7 - 3];
  return db
    .prepare(
      `WITH RECURSIVE weeks(w) AS (SELECT ? UNION ALL SELECT w + 1 FROM weeks WHERE w < ?),
       v AS (SELECT (day + 3) / 7 AS w, SUM(open + resolved) AS n FROM violation_rollup WHERE dim = 'owner' AND k1 = ? AND day >= ? AND day < ?${team.sql} GROUP BY 1),
       t AS (SELECT (day + 3) / 7 AS w, ${COMPLIANCE_SQL.rollup} FROM stage_change_rollup WHERE owner_id = ? AND day >= ? AND day < ?${team.sql} GROUP BY 1)
       SELECT weeks.w, COALESCE(v.n, 0) AS violations, COALESCE(t.changes, 0) AS changes, COALESCE(t.compliant, 0) AS compliant
       FROM weeks LEFT JOIN v ON v.w = weeks.w LEFT JOIN t ON t.w = weeks.w ORDER BY weeks.w`,
    )
    .bind(firstWeek, lastWeek, f.ownerId, ...days, ...team.params, f.ownerId, ...days, ...team.params);
}

/** Builds the rep's record. Throws only on D1 errors. */
export async function getRepRecord(db: D1Database, f: RepFilter): Promise<RepRecord> {
  const team = teamClause(f.teams);
  const base = [f.ownerId, f.from, f.to, ...team.params];
  const tally = "SUM(status = 'open') AS open, SUM(status = 'resolved') AS resolved";
  const scope = { sql: `owner_id = ?${team.sql}`, params: [f.ownerId, ...team.params] };
  const [rules, changes, won, pushes, recentPushes, weekly, conversion, medians] = await db.batch<unknown>([
    db.prepare(`SELECT policy_id, rule_id, ${tally} FROM violations WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql} GROUP BY 1, 2 ORDER BY open + resolved DESC`).bind(...base),
    db.prepare(`SELECT ${COMPLIANCE_SQL.raw()} FROM stage_transitions WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql}`).bind(...base),
    db.prepare(`SELECT COUNT(DISTINCT deal_id) AS n FROM stage_transitions WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql} AND to_is_won = 1`).bind(...base),
    db.prepare(`SELECT COUNT(*) AS count, COALESCE(SUM(pushed_days), 0) AS days, COUNT(DISTINCT deal_id) AS deals FROM close_date_changes WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql} AND pushed_days > 0`).bind(...base),
    db.prepare(`SELECT deal_id, pushed_days, occurred_at FROM close_date_changes WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql} AND pushed_days > 0 ORDER BY occurred_at DESC LIMIT 10`).bind(...base),
    weeklyStatement(db, f),
    ...stageStatements(db, scope, f.from, f.to, "window"),
  ]);
  const ruleRows = (rules?.results ?? []) as Array<{ policy_id: string; rule_id: string; open: number; resolved: number }>;
  const tr = ((changes?.results ?? [])[0] ?? { changes: 0, compliant: 0, creations: 0 }) as { changes: number; compliant: number; creations: number };
  const push = ((pushes?.results ?? [])[0] ?? { count: 0, days: 0, deals: 0 }) as { count: number; days: number; deals: number };
  const open = await listViolations(db, { ownerId: f.ownerId, teams: f.teams, status: "open" }, { sort: "desc", limit: 50 });
  const violations = ruleRows.reduce((a, r) => ({ open: a.open + r.open, resolved: a.resolved + r.resolved, total: a.total + r.open + r.resolved }), { open: 0, resolved: 0, total: 0 });
  const weeks = new Map(((weekly?.results ?? []) as Array<{ w: number; violations: number; changes: number; compliant: number }>).map((r) => {
    const week = new Date(r.w * WEEK_MS - 3 * DAY_MS).toISOString().slice(0, 10);
    return [week, { week, violations: r.violations, stageChanges: r.changes, compliant: r.compliant }] as const;
  }));
  // Every week overlapping the window, the current (partial) one included, so the chart never stops early.
  const trend = weeksOf(f.from, f.to).map((week) => weeks.get(week) ?? { week, violations: 0, stageChanges: 0, compliant: 0 });
  return {
    ownerId: f.ownerId,
    window: { from: new Date(f.from).toISOString(), to: new Date(f.to).toISOString() },
    violations,
    byRule: ruleRows.map((r) => ({ policyId: r.policy_id, ruleId: r.rule_id, open: r.open, resolved: r.resolved, total: r.open + r.resolved })),
    stageChanges: { total: tr.changes, compliant: tr.compliant, complianceRate: shareOf(tr.compliant, tr.changes), creations: tr.creations },
    stages: toStageStats(foldStages(conversion, medians)),
    wonDeals: ((won?.results ?? [])[0] as { n: number } | undefined)?.n ?? 0,
    closeDatePushes: {
      count: push.count,
      totalDaysPushed: push.days,
      deals: push.deals,
      recent: ((recentPushes?.results ?? []) as Array<{ deal_id: string; pushed_days: number | null; occurred_at: number }>).map((p) => ({
        dealId: p.deal_id,
        pushedDays: p.pushed_days,
        occurredAt: new Date(p.occurred_at).toISOString(),
      })),
    },
    trend,
    openViolations: open.items,
  };
}
