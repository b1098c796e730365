// A rep's coaching trend: per stage and UTC month, conversion and median time in stage for the rep next to the
// team, compliance and data completeness per month, and the change since the previous month. All series are
// grouped in SQL (compliance from the 0005 rollups), so the cost is bounded by the window, never a loop per period.
import { COMPLETENESS_DENOMINATOR_SQL, COMPLIANCE_SQL, completenessOf, convertedLaterSql, monthSql, shareOf } from "./figures";

export interface TrendQuery {
  ownerId: string;
  /** The team compared with; null when the rep has no visible team. */
  teamId: string | null;
  /** Team scope of the caller (null = all): the rep's own rows are limited to these teams. */
  teams: string[] | null;
  months: number;
  now: number;
}
export interface StageMonth {
  entered: number;
  converted: number;
  conversion: number | null;
  medianTimeInStageMs: number | null;
}
export interface StageTrend {
  pipelineId: string | null;
  stage: string;
  stageIndex: number | null;
  months: Array<{ month: string; rep: StageMonth; team: StageMonth | null }>;
  /** Latest complete month minus the one before (conversion in points of share, time in ms); null without data. */
  change: { conversion: number | null; medianTimeInStageMs: number | null };
}
export interface ComplianceMonth {
  month: string;
  partial: boolean;
  rep: { changes: number; compliant: number; creations: number; complianceRate: number | null; completeness: number | null; violations: number };
  team: { changes: number; compliant: number; complianceRate: number | null; completeness: number | null } | null;
}
export interface RepTrend {
  ownerId: string;
  teamId: string | null;
  months: string[];
  /** The two months `change` compares (the latest complete month and the one before). */
  change: { from: string; to: string } | null;
  stages: StageTrend[];
  compliance: ComplianceMonth[];
}

const DAY_MS = 86_400_000;

/** First instant (UTC) of the month `back` months before the month of `now`. */
export function monthStart(now: number, back: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1);
}

interface Scope {
  sql: string;
  params: string[];
}
function scopes(q: TrendQuery): { rep: Scope; team: Scope | null } {
  const limit = q.teams === null ? "" : q.teams.length === 0 ? " AND 0" : ` AND team_id IN (${q.teams.map(() => "?").join(", ")})`;
  return {
    rep: { sql: `owner_id = ?${limit}`, params: [q.ownerId, ...(q.teams ?? [])] },
    team: q.teamId === null ? null : { sql: "team_id = ?", params: [q.teamId] },
  };
}

function scopeStatements(db: D1Database, s: Scope, from: number, to: number): D1PreparedStatement[] {
  const e = (col: string) => `e.${col}`;
  const eScope = s.sql.replace(/\b(owner_id|team_id)\b/g, (m) => e(m));
  const days = [Math.floor(from / DAY_MS), Math.ceil(to / DAY_MS)];
  return [
    db
      .prepare(
        `SELECT ${monthSql("e.occurred_at")} AS m, e.pipeline_id AS p, e.to_stage AS stage, MIN(e.to_index) AS idx,
           COUNT(DISTINCT e.deal_id) AS entered, COUNT(DISTINCT CASE WHEN ${convertedLaterSql("e")} THEN e.deal_id END) AS converted
         FROM stage_transitions e WHERE ${eScope} AND e.occurred_at >= ? AND e.occurred_at < ? AND e.to_is_closed = 0 GROUP BY 1, 2, 3`,
      )
      .bind(to, ...s.params, from, to),
    db
      .prepare(
        `WITH stays AS (SELECT ${monthSql("occurred_at")} AS m, pipeline_id AS p, from_stage AS stage, time_in_from_ms AS ms FROM stage_transitions
           WHERE ${s.sql} AND occurred_at >= ? AND occurred_at < ? AND from_stage IS NOT NULL AND time_in_from_ms IS NOT NULL),
         ranked AS (SELECT m, p, stage, ms, ROW_NUMBER() OVER (PARTITION BY m, p, stage ORDER BY ms) AS rn, COUNT(*) OVER (PARTITION BY m, p, stage) AS n FROM stays)
         SELECT m, p, stage, ms FROM ranked WHERE rn = (n + 1) / 2`,
      )
      .bind(...s.params, from, to),
    db
      .prepare(
        `SELECT strftime('%Y-%m', day * 86400, 'unixepoch') AS m, ${COMPLIANCE_SQL.rollup}, ${COMPLETENESS_DENOMINATOR_SQL} AS all_changes,
           COALESCE((SELECT SUM(i.changes) FROM incomplete_rollup i WHERE ${s.sql.replace(/\b(owner_id|team_id)\b/g, "i.$1")}
             AND strftime('%Y-%m', i.day * 86400, 'unixepoch') = strftime('%Y-%m', r.day * 86400, 'unixepoch') AND i.day >= ? AND i.day < ?), 0) AS incomplete
         FROM stage_change_rollup r WHERE ${s.sql.replace(/\b(owner_id|team_id)\b/g, "r.$1")} AND r.day >= ? AND r.day < ? GROUP BY 1`,
      )
      .bind(...s.params, ...days, ...s.params, ...days),
  ];
}

interface ConversionRow { m: string; p: string | null; stage: string; idx: number | null; entered: number; converted: number }
interface MedianRow { m: string; p: string | null; stage: string; ms: number }
interface ComplianceRow { m: string; changes: number; compliant: number; creations: number; all_changes: number; incomplete: number }

const key = (p: string | null, stage: string) => `${p ?? ""}\u0000${stage}`;

function stageMonths(conv: ConversionRow[], medians: MedianRow[]): Map<string, { p: string | null; stage: string; idx: number | null; byMonth: Map<string, StageMonth> }> {
  const out = new Map<string, { p: string | null; stage: string; idx: number | null; byMonth: Map<string, StageMonth> }>();
  const cell = (p: string | null, stage: string, m: string, idx: number | null) => {
    let s = out.get(key(p, stage));
    if (!s) out.set(key(p, stage), (s = { p, stage, idx, byMonth: new Map() }));
    s.idx = s.idx ?? idx;
    let c = s.byMonth.get(m);
    if (!c) s.byMonth.set(m, (c = { entered: 0, converted: 0, conversion: null, medianTimeInStageMs: null }));
    return c;
  };
  for (const r of conv) Object.assign(cell(r.p, r.stage, r.m, r.idx), { entered: r.entered, converted: r.converted, conversion: shareOf(r.converted, r.entered) });
  for (const r of medians) cell(r.p, r.stage, r.m, null).medianTimeInStageMs = r.ms;
  return out;
}

const emptyMonth = (): StageMonth => ({ entered: 0, converted: 0, conversion: null, medianTimeInStageMs: null });
const diff = (a: number | null | undefined, b: number | null | undefined) => (a === null || a === undefined || b === null || b === undefined ? null : a - b);

/** Builds the rep's trend over the last `months` UTC months (the current, partial one included). Throws only on D1 errors. */
export async function getRepTrend(db: D1Database, q: TrendQuery): Promise<RepTrend> {
  const from = monthStart(q.now, q.months - 1);
  const to = q.now;
  const months = Array.from({ length: q.months }, (_, i) => new Date(monthStart(q.now, q.months - 1 - i)).toISOString().slice(0, 7));
  const sc = scopes(q);
  const violations = db
    .prepare(`SELECT strftime('%Y-%m', day * 86400, 'unixepoch') AS m, SUM(open + resolved) AS n FROM violation_rollup WHERE dim = 'owner' AND k1 = ? AND day >= ? AND day < ?${q.teams === null ? " AND team_id <> '*'" : q.teams.length ? ` AND team_id IN (${q.teams.map(() => "?").join(", ")})` : " AND 0"} GROUP BY 1`)
    .bind(q.ownerId, Math.floor(from / DAY_MS), Math.ceil(to / DAY_MS), ...(q.teams ?? []));
  const statements = [...scopeStatements(db, sc.rep, from, to), ...(sc.team ? scopeStatements(db, sc.team, from, to) : []), violations];
  const res = await db.batch<unknown>(statements);
  const rows = <T>(i: number) => (res[i]?.results ?? []) as T[];
  const rep = stageMonths(rows<ConversionRow>(0), rows<MedianRow>(1));
  const team = sc.team ? stageMonths(rows<ConversionRow>(3), rows<MedianRow>(4)) : null;
  const [prev, last] = [months[months.length - 3], months[months.length - 2]];
  const stages: StageTrend[] = [...rep.values()]
    .sort((a, b) => (a.p ?? "").localeCompare(b.p ?? "") || (a.idx ?? 1e9) - (b.idx ?? 1e9))
    .map((s) => {
      const t = team?.get(key(s.p, s.stage));
      const at = (m: string | undefined) => (m === undefined ? undefined : s.byMonth.get(m));
      return {
        pipelineId: s.p,
        stage: s.stage,
        stageIndex: s.idx,
        months: months.map((m) => ({ month: m, rep: s.byMonth.get(m) ?? emptyMonth(), team: team ? (t?.byMonth.get(m) ?? emptyMonth()) : null })),
        change: { conversion: diff(at(last)?.conversion, at(prev)?.conversion), medianTimeInStageMs: diff(at(last)?.medianTimeInStageMs, at(prev)?.medianTimeInStageMs) },
      };
    });
  const byMonth = (list: ComplianceRow[]) => new Map(list.map((r) => [r.m, r]));
  const repC = byMonth(rows<ComplianceRow>(2));
  const teamC = sc.team ? byMonth(rows<ComplianceRow>(5)) : null;
  const vio = new Map(rows<{ m: string; n: number }>(res.length - 1).map((r) => [r.m, r.n]));
  const current = months[months.length - 1];
  const compliance: ComplianceMonth[] = months.map((m) => {
    const r = repC.get(m);
    const t = teamC?.get(m);
    return {
      month: m,
      partial: m === current,
      rep: { changes: r?.changes ?? 0, compliant: r?.compliant ?? 0, creations: r?.creations ?? 0, complianceRate: shareOf(r?.compliant ?? 0, r?.changes ?? 0), completeness: completenessOf(r?.all_changes ?? 0, r?.incomplete ?? 0), violations: vio.get(m) ?? 0 },
      team: teamC ? { changes: t?.changes ?? 0, compliant: t?.compliant ?? 0, complianceRate: shareOf(t?.compliant ?? 0, t?.changes ?? 0), completeness: completenessOf(t?.all_changes ?? 0, t?.incomplete ?? 0) } : null,
    };
  });
  return { ownerId: q.ownerId, teamId: q.teamId, months, change: prev && last ? { from: prev, to: last } : null, stages, compliance };
}
