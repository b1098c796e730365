// A rep's record for coaching: violations, compliance rate, stage-to-stage conversion ("batting average"),
// median time in stage, close-date pushes and a weekly trend. Reads violations, stage_transitions, close_date_changes.
import { weeksOf, weekStartOf, WEEK_MS, type Counts } from "./summary-query";
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
  stageChanges: { total: number; compliant: number; complianceRate: number | null };
  stages: StageStat[];
  wonDeals: number;
  closeDatePushes: { count: number; totalDaysPushed: number; deals: number; recent: Array<{ dealId: string; pushedDays: number | null; occurredAt: string }> };
  trend: Array<{ week: string; violations: number; stageChanges: number; compliant: number }>;
  openViolations: ViolationItem[];
}

interface TransitionRow {
  pipeline_id: string | null;
  from_stage: string | null;
  from_index: number | null;
  to_stage: string;
  deal_id: string;
  compliant: number;
  time_in_from_ms: number | null;
  to_index: number | null;
  to_is_closed: number;
  to_is_won: number;
  occurred_at: number;
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

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : Math.round(((sorted[mid - 1] ?? hi) + hi) / 2);
}

function teamClause(teams: string[] | null): { sql: string; params: string[] } {
  if (teams === null) return { sql: "", params: [] };
  if (teams.length === 0) return { sql: " AND 0", params: [] };
  return { sql: ` AND team_id IN (${teams.map(() => "?").join(", ")})`, params: teams };
}

/** Per stage (pipeline order): deals entered, conversion to the next stage, median time spent in it. */
export function computeStageStats(rows: TransitionRow[]): StageStat[] {
  const byStage = new Map<string, { pipelineId: string | null; stage: string; index: number | null; closed: boolean; deals: Set<string>; times: number[] }>();
  const key = (p: string | null, s: string) => `${p ?? ""}\u0000${s}`;
  for (const r of rows) {
    const k = key(r.pipeline_id, r.to_stage);
    const s = byStage.get(k) ?? { pipelineId: r.pipeline_id, stage: r.to_stage, index: r.to_index, closed: r.to_is_closed === 1, deals: new Set<string>(), times: [] };
    s.index = s.index ?? r.to_index;
    s.closed = r.to_is_closed === 1;
    s.deals.add(r.deal_id);
    byStage.set(k, s);
    if (r.from_stage !== null && r.time_in_from_ms !== null) {
      const from = byStage.get(key(r.pipeline_id, r.from_stage)) ?? { pipelineId: r.pipeline_id, stage: r.from_stage, index: r.from_index, closed: false, deals: new Set<string>(), times: [] };
      from.times.push(r.time_in_from_ms);
      byStage.set(key(r.pipeline_id, r.from_stage), from);
    }
  }
  const stats = [...byStage.values()].sort((a, b) => (a.pipelineId ?? "").localeCompare(b.pipelineId ?? "") || (a.index ?? 1e9) - (b.index ?? 1e9));
  return stats.map((s, i) => {
    // A closed stage (won/lost) converts to nothing; the next stage is the next one entered, in pipeline order.
    const next = stats.slice(i + 1).find((n) => n.pipelineId === s.pipelineId && n.index !== null);
    const sameNext = !s.closed && next ? next : undefined;
    const converted = sameNext ? [...s.deals].filter((d) => sameNext.deals.has(d)).length : 0;
    return {
      pipelineId: s.pipelineId,
      stage: s.stage,
      stageIndex: s.index,
      dealsEntered: s.deals.size,
      conversionToNext: sameNext && s.deals.size > 0 ? converted / s.deals.size : null,
      nextStage: sameNext ? sameNext.stage : null,
      medianTimeInStageMs: median(s.times),
    };
  });
}

/** Builds the rep's record. Throws only on D1 errors. */
export async function getRepRecord(db: D1Database, f: RepFilter): Promise<RepRecord> {
  const team = teamClause(f.teams);
  const base = [f.ownerId, f.from, f.to, ...team.params];
  const tally = "SUM(status = 'open') AS open, SUM(status = 'resolved') AS resolved";
  const [rules, transitions, pushes, recentPushes, weekly] = await db.batch<unknown>([
    db.prepare(`SELECT policy_id, rule_id, ${tally} FROM violations WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql} GROUP BY 1, 2 ORDER BY open + resolved DESC`).bind(...base),
    db
      .prepare(
        `SELECT pipeline_id, from_stage, from_index, to_stage, deal_id, compliant, time_in_from_ms, to_index, to_is_closed, to_is_won, occurred_at
         FROM stage_transitions WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql}`,
      )
      .bind(...base),
    db.prepare(`SELECT COUNT(*) AS count, COALESCE(SUM(pushed_days), 0) AS days, COUNT(DISTINCT deal_id) AS deals FROM close_date_changes WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql} AND pushed_days > 0`).bind(...base),
    db.prepare(`SELECT deal_id, pushed_days, occurred_at FROM close_date_changes WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql} AND pushed_days > 0 ORDER BY occurred_at DESC LIMIT 10`).bind(...base),
    db.prepare(`SELECT (occurred_at + 259200000) / ${WEEK_MS} AS w, COUNT(*) AS n FROM violations WHERE owner_id = ? AND occurred_at >= ? AND occurred_at < ?${team.sql} GROUP BY 1`).bind(...base),
  ]);
  const ruleRows = (rules?.results ?? []) as Array<{ policy_id: string; rule_id: string; open: number; resolved: number }>;
  const tRows = (transitions?.results ?? []) as TransitionRow[];
  const push = ((pushes?.results ?? [])[0] ?? { count: 0, days: 0, deals: 0 }) as { count: number; days: number; deals: number };
  const open = await listViolations(db, { ownerId: f.ownerId, teams: f.teams, status: "open" }, { sort: "desc", limit: 50 });
  const violations = ruleRows.reduce((a, r) => ({ open: a.open + r.open, resolved: a.resolved + r.resolved, total: a.total + r.open + r.resolved }), { open: 0, resolved: 0, total: 0 });
  const compliant = tRows.filter((r) => r.compliant === 1).length;
  const trend = new Map<string, { week: string; violations: number; stageChanges: number; compliant: number }>();
  // Every week overlapping the window, the current (partial) one included.
  for (const week of weeksOf(f.from, f.to)) trend.set(week, { week, violations: 0, stageChanges: 0, compliant: 0 });
  for (const r of tRows) {
    const t = trend.get(weekStartOf(r.occurred_at));
    if (t) {
      t.stageChanges += 1;
      t.compliant += r.compliant;
    }
  }
  for (const r of (weekly?.results ?? []) as Array<{ w: number; n: number }>) {
    const t = trend.get(weekStartOf(r.w * WEEK_MS - 259200000));
    if (t) t.violations = r.n;
  }
  return {
    ownerId: f.ownerId,
    window: { from: new Date(f.from).toISOString(), to: new Date(f.to).toISOString() },
    violations,
    byRule: ruleRows.map((r) => ({ policyId: r.policy_id, ruleId: r.rule_id, open: r.open, resolved: r.resolved, total: r.open + r.resolved })),
    stageChanges: { total: tRows.length, compliant, complianceRate: tRows.length ? compliant / tRows.length : null },
    stages: computeStageStats(tRows),
    wonDeals: new Set(tRows.filter((r) => r.to_is_won === 1).map((r) => r.deal_id)).size,
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
    trend: [...trend.values()],
    openViolations: open.items,
  };
}
