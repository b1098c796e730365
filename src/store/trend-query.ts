// A rep's coaching trend: per stage and UTC month, conversion and median time in stage for the rep next to the
// team, compliance and data completeness per month, and the change since the previous month. All series are
// grouped in SQL (compliance from the 0005 rollups), so the cost is bounded by the window, never a loop per period.
import { COMPLETENESS_DENOMINATOR_SQL, COMPLIANCE_SQL, completenessOf, shareOf } from "./figures";
import { emptyPeriod, foldStages, stageKey, stageStatements, type StagePeriod, type TransitionScope } from "./stage-figures";

export interface TrendQuery {
  ownerId: string;
  /** The team compared with; null when the rep has no visible team. */
  teamId: string | null;
  /** Team scope of the caller (null = all): the rep's own rows are limited to these teams. */
  teams: string[] | null;
  months: number;
  now: number;
}
export type StageMonth = StagePeriod;
export interface StageTrend {
  pipelineId: string | null;
  stage: string;
  stageIndex: number | null;
  closed: boolean;
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

function scopes(q: TrendQuery): { rep: TransitionScope; team: TransitionScope | null } {
  const limit = q.teams === null ? "" : q.teams.length === 0 ? " AND 0" : ` AND team_id IN (${q.teams.map(() => "?").join(", ")})`;
  return {
    rep: { sql: `owner_id = ?${limit}`, params: [q.ownerId, ...(q.teams ?? [])] },
    team: q.teamId === null ? null : { sql: "team_id = ?", params: [q.teamId] },
  };
}

/** Compliance and completeness per month for a scope, from the 0005 rollups. */
function complianceStatement(db: D1Database, s: TransitionScope, from: number, to: number): D1PreparedStatement {
  const days = [Math.floor(from / DAY_MS), Math.ceil(to / DAY_MS)];
  const on = (alias: string) => s.sql.replace(/\b(owner_id|team_id)\b/g, `${alias}.$1`);
  return db
    .prepare(
      `WITH changes AS (SELECT strftime('%Y-%m', day * 86400, 'unixepoch') AS m, ${COMPLIANCE_SQL.rollup}, ${COMPLETENESS_DENOMINATOR_SQL} AS all_changes
         FROM stage_change_rollup r WHERE ${on("r")} AND r.day >= ? AND r.day < ? GROUP BY 1),
       gaps AS (SELECT strftime('%Y-%m', day * 86400, 'unixepoch') AS m, SUM(changes) AS incomplete FROM incomplete_rollup i WHERE ${on("i")} AND i.day >= ? AND i.day < ? GROUP BY 1)
       SELECT c.*, COALESCE(g.incomplete, 0) AS incomplete FROM changes c LEFT JOIN gaps g ON g.m = c.m`,
    )
    .bind(...s.params, ...days, ...s.params, ...days);
}

interface ComplianceRow { m: string; changes: number; compliant: number; creations: number; all_changes: number; incomplete: number }

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
  const statements = [
    ...stageStatements(db, sc.rep, from, to, "month"),
    complianceStatement(db, sc.rep, from, to),
    ...(sc.team ? [...stageStatements(db, sc.team, from, to, "month"), complianceStatement(db, sc.team, from, to)] : []),
    violations,
  ];
  const res = await db.batch<unknown>(statements);
  const rows = <T>(i: number) => (res[i]?.results ?? []) as T[];
  const teamStages = sc.team ? new Map(foldStages(res[3], res[4]).map((s) => [stageKey(s.pipelineId, s.stage), s])) : null;
  const [prev, last] = [months[months.length - 3], months[months.length - 2]];
  const stages: StageTrend[] = foldStages(res[0], res[1]).map((s) => {
    const t = teamStages?.get(stageKey(s.pipelineId, s.stage));
    const at = (m: string | undefined) => (m === undefined ? undefined : s.byPeriod.get(m));
    return {
      pipelineId: s.pipelineId,
      stage: s.stage,
      stageIndex: s.stageIndex,
      closed: s.closed,
      months: months.map((m) => ({ month: m, rep: s.byPeriod.get(m) ?? emptyPeriod(), team: teamStages ? (t?.byPeriod.get(m) ?? emptyPeriod()) : null })),
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
