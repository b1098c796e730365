// Per stage and period: deals entered, converted (figures.ts definition) and median time in stage, for one scope of
// stage_transitions (a rep, a team). Shared by the rep record (one period: the window) and the coaching trend (months).
import { convertedLaterSql, monthSql, shareOf } from "./figures";

/** A WHERE fragment over unprefixed stage_transitions columns, with its parameters. */
export interface TransitionScope {
  sql: string;
  params: unknown[];
}
export type Bucket = "month" | "window";
export interface StagePeriod {
  entered: number;
  converted: number;
  /** null for closed stages (won/lost convert to nothing) and when no deal entered. */
  conversion: number | null;
  /** Lower median of the time deals spent in the stage, by the period they left it. */
  medianTimeInStageMs: number | null;
}
export interface StageSeries {
  pipelineId: string | null;
  stage: string;
  stageIndex: number | null;
  closed: boolean;
  byPeriod: Map<string, StagePeriod>;
}

const prefixed = (scope: TransitionScope, alias: string) => scope.sql.replace(/\b(owner_id|team_id|deal_id)\b/g, `${alias}.$1`);
const bucketSql = (bucket: Bucket, column: string) => (bucket === "month" ? monthSql(column) : "'window'");

/** Two statements: entries with conversions, and medians of time in stage, grouped by period, pipeline and stage. */
export function stageStatements(db: D1Database, scope: TransitionScope, from: number, to: number, bucket: Bucket): [D1PreparedStatement, D1PreparedStatement] {
  const conversion = db
    .prepare(
      `SELECT ${bucketSql(bucket, "e.occurred_at")} AS m, e.pipeline_id AS p, e.to_stage AS stage, MIN(e.to_index) AS idx, MAX(e.to_is_closed) AS closed,
         COUNT(DISTINCT e.deal_id) AS entered, COUNT(DISTINCT CASE WHEN ${convertedLaterSql("e")} THEN e.deal_id END) AS converted
       FROM stage_transitions e WHERE ${prefixed(scope, "e")} AND e.occurred_at >= ? AND e.occurred_at < ? GROUP BY 1, 2, 3`,
    )
    .bind(to, ...scope.params, from, to);
  const medians = db
    .prepare(
      `WITH stays AS (SELECT ${bucketSql(bucket, "occurred_at")} AS m, pipeline_id AS p, from_stage AS stage, time_in_from_ms AS ms FROM stage_transitions
         WHERE ${scope.sql} AND occurred_at >= ? AND occurred_at < ? AND from_stage IS NOT NULL AND time_in_from_ms IS NOT NULL),
       ranked AS (SELECT m, p, stage, ms, ROW_NUMBER() OVER (PARTITION BY m, p, stage ORDER BY ms) AS rn, COUNT(*) OVER (PARTITION BY m, p, stage) AS n FROM stays)
       SELECT m, p, stage, ms FROM ranked WHERE rn = (n + 1) / 2`,
    )
    .bind(...scope.params, from, to);
  return [conversion, medians];
}

interface ConversionRow { m: string; p: string | null; stage: string; idx: number | null; closed: number; entered: number; converted: number }
interface MedianRow { m: string; p: string | null; stage: string; ms: number }

export const stageKey = (p: string | null, stage: string) => `${p ?? ""}\u0000${stage}`;
export const emptyPeriod = (): StagePeriod => ({ entered: 0, converted: 0, conversion: null, medianTimeInStageMs: null });

/** Folds both result sets into one series per stage, in pipeline order. */
export function foldStages(conv: D1Result<unknown> | undefined, med: D1Result<unknown> | undefined): StageSeries[] {
  const out = new Map<string, StageSeries>();
  const cell = (p: string | null, stage: string, m: string) => {
    let s = out.get(stageKey(p, stage));
    if (!s) out.set(stageKey(p, stage), (s = { pipelineId: p, stage, stageIndex: null, closed: false, byPeriod: new Map() }));
    let c = s.byPeriod.get(m);
    if (!c) s.byPeriod.set(m, (c = emptyPeriod()));
    return { s, c };
  };
  for (const r of (conv?.results ?? []) as ConversionRow[]) {
    const { s, c } = cell(r.p, r.stage, r.m);
    s.stageIndex = s.stageIndex === null ? r.idx : r.idx === null ? s.stageIndex : Math.min(s.stageIndex, r.idx);
    s.closed = s.closed || r.closed === 1;
    Object.assign(c, { entered: r.entered, converted: r.converted, conversion: r.closed === 1 ? null : shareOf(r.converted, r.entered) });
  }
  for (const r of (med?.results ?? []) as MedianRow[]) cell(r.p, r.stage, r.m).c.medianTimeInStageMs = r.ms;
  return [...out.values()].sort((a, b) => (a.pipelineId ?? "").localeCompare(b.pipelineId ?? "") || (a.stageIndex ?? 1e9) - (b.stageIndex ?? 1e9));
}
