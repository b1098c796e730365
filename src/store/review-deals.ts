// The weekly review's deal lists for one team and week: stage moves, close-date slips and stale deals.
// Every list is capped (REVIEW_ROW_LIMIT) and says when it was cut; SQL only, no per-row round trips.
import { moveKindSql, type MoveKind } from "./figures";

export const REVIEW_ROW_LIMIT = 500;
/** Stale deals are looked for among deals whose last stage change is at most this old (the 2-year report bound). */
export const STALE_LOOKBACK_MS = 731 * 86_400_000;
/** The team's median time in a stage is taken over this period before the review's end. */
export const MEDIAN_PERIOD_MS = 180 * 86_400_000;

export interface ReviewScope {
  teamId: string;
  start: number;
  end: number;
  /** min(end, now): what "now" means for a past week. */
  asOf: number;
}

export interface ReviewDeal {
  portalId: number;
  dealId: string;
  dealName: string | null;
  ownerId: string | null;
  pipelineId: string | null;
}
export interface StageMove extends ReviewDeal {
  kind: MoveKind;
  fromStage: string | null;
  toStage: string;
  occurredAt: string;
}
export interface CloseDateSlip extends ReviewDeal {
  pushesThisWeek: number;
  daysThisWeek: number;
  pushesTotal: number;
  daysTotal: number;
  closeDate: string | null;
  lastPushedAt: string;
}
export interface StaleDeal extends ReviewDeal {
  stage: string;
  enteredAt: string;
  daysInStage: number;
  teamMedianDays: number;
}
export interface Capped<T> {
  items: T[];
  truncated: boolean;
}

// The deal's name: the engine's last read (deal_state), else the name recorded on any violation of it.
const DEAL_NAME = (alias: string) =>
  `COALESCE((SELECT deal_name FROM deal_state WHERE deal_id = ${alias}.deal_id),
            (SELECT deal_name FROM violations WHERE deal_id = ${alias}.deal_id AND deal_name IS NOT NULL LIMIT 1))`;

export function moveStatements(db: D1Database, s: ReviewScope): D1PreparedStatement[] {
  const kind = moveKindSql("t");
  return [
    db
      .prepare(
        `SELECT t.portal_id, t.deal_id, ${DEAL_NAME("t")} AS deal_name, t.owner_id, t.pipeline_id, t.from_stage, t.to_stage, t.occurred_at, ${kind} AS kind
         FROM stage_transitions t WHERE t.team_id = ? AND t.occurred_at >= ? AND t.occurred_at < ? AND ${kind} <> 'created'
         ORDER BY t.occurred_at DESC LIMIT ${REVIEW_ROW_LIMIT + 1}`,
      )
      .bind(s.teamId, s.start, s.end),
    db.prepare(`SELECT ${kind} AS kind, COUNT(*) AS n FROM stage_transitions t WHERE t.team_id = ? AND t.occurred_at >= ? AND t.occurred_at < ? GROUP BY 1`).bind(s.teamId, s.start, s.end),
  ];
}

export function slipStatement(db: D1Database, s: ReviewScope): D1PreparedStatement {
  return db
    .prepare(
      `SELECT c.portal_id, c.deal_id, ${DEAL_NAME("c")} AS deal_name, c.owner_id, NULL AS pipeline_id, COUNT(*) AS pushes, SUM(c.pushed_days) AS days,
         MAX(c.occurred_at) AS last_at,
         (SELECT new_value FROM close_date_changes z WHERE z.deal_id = c.deal_id AND z.occurred_at < ?3 ORDER BY z.occurred_at DESC LIMIT 1) AS close_date,
         (SELECT COUNT(*) FROM close_date_changes a WHERE a.deal_id = c.deal_id AND a.pushed_days > 0 AND a.occurred_at < ?3) AS pushes_total,
         (SELECT SUM(a.pushed_days) FROM close_date_changes a WHERE a.deal_id = c.deal_id AND a.pushed_days > 0 AND a.occurred_at < ?3) AS days_total
       FROM close_date_changes c WHERE c.team_id = ?1 AND c.occurred_at >= ?2 AND c.occurred_at < ?3 AND c.pushed_days > 0
       GROUP BY c.deal_id ORDER BY days DESC, c.deal_id LIMIT ${REVIEW_ROW_LIMIT + 1}`,
    )
    .bind(s.teamId, s.start, s.end);
}

/**
 * Open deals whose time in their current stage (as of `asOf`) is above the team's median for that stage. A deal's
 * current stage is its last recorded stage change; deleted or merged deals (deal_state) are left out.
 */
export function staleStatement(db: D1Database, s: ReviewScope): D1PreparedStatement {
  // MATERIALIZED: both are computed once (one pass over the team's rows each), never re-run per candidate deal.
  return db
    .prepare(
      `WITH stays AS (
         SELECT COALESCE(pipeline_id, '') AS p, from_stage AS stage, time_in_from_ms AS ms,
           ROW_NUMBER() OVER (PARTITION BY COALESCE(pipeline_id, ''), from_stage ORDER BY time_in_from_ms) AS rn,
           COUNT(*) OVER (PARTITION BY COALESCE(pipeline_id, ''), from_stage) AS n
         FROM stage_transitions WHERE team_id = ?1 AND occurred_at >= ?3 AND occurred_at < ?2 AND from_stage IS NOT NULL AND time_in_from_ms IS NOT NULL),
       medians AS MATERIALIZED (SELECT p, stage, ms FROM stays WHERE rn = (n + 1) / 2),
       last_change AS MATERIALIZED (
         SELECT deal_id, MAX(occurred_at) AS at FROM stage_transitions WHERE team_id = ?1 AND occurred_at >= ?4 AND occurred_at < ?2 GROUP BY deal_id)
       SELECT l.portal_id, l.deal_id, ${DEAL_NAME("l")} AS deal_name, l.owner_id, l.pipeline_id, l.to_stage AS stage, l.occurred_at AS entered_at, m.ms AS median_ms
       FROM last_change c
       JOIN stage_transitions l ON l.deal_id = c.deal_id AND l.occurred_at = c.at AND l.team_id = ?1
       JOIN medians m ON m.p = COALESCE(l.pipeline_id, '') AND m.stage = l.to_stage
       WHERE l.to_is_closed = 0 AND ?2 - l.occurred_at > m.ms
         AND NOT EXISTS (SELECT 1 FROM stage_transitions n WHERE n.deal_id = l.deal_id AND n.occurred_at > l.occurred_at AND n.occurred_at < ?2)
         AND NOT EXISTS (SELECT 1 FROM deal_state d WHERE d.deal_id = l.deal_id AND d.status <> 'active')
       ORDER BY (?2 - l.occurred_at) * 1.0 / MAX(m.ms, 1) DESC, l.deal_id LIMIT ${REVIEW_ROW_LIMIT + 1}`,
    )
    .bind(s.teamId, s.asOf, s.asOf - MEDIAN_PERIOD_MS, s.asOf - STALE_LOOKBACK_MS);
}

interface DealRow {
  portal_id: number;
  deal_id: string;
  deal_name: string | null;
  owner_id: string | null;
  pipeline_id: string | null;
}
export type MoveRow = DealRow & { from_stage: string | null; to_stage: string; occurred_at: number; kind: MoveKind };
export type SlipRow = DealRow & { pushes: number; days: number; last_at: number; close_date: number | null; pushes_total: number; days_total: number | null };
export type StaleRow = DealRow & { stage: string; entered_at: number; median_ms: number };

const DAY_MS = 86_400_000;
const deal = (r: DealRow): ReviewDeal => ({ portalId: r.portal_id, dealId: r.deal_id, dealName: r.deal_name, ownerId: r.owner_id, pipelineId: r.pipeline_id });
export function cap<T, R>(rows: R[], map: (r: R) => T): Capped<T> {
  return { items: rows.slice(0, REVIEW_ROW_LIMIT).map(map), truncated: rows.length > REVIEW_ROW_LIMIT };
}

export const mapMove = (r: MoveRow): StageMove => ({ ...deal(r), kind: r.kind, fromStage: r.from_stage, toStage: r.to_stage, occurredAt: new Date(r.occurred_at).toISOString() });
export const mapSlip = (r: SlipRow): CloseDateSlip => ({
  ...deal(r),
  pushesThisWeek: r.pushes,
  daysThisWeek: r.days,
  pushesTotal: r.pushes_total,
  daysTotal: r.days_total ?? 0,
  closeDate: r.close_date === null ? null : new Date(r.close_date).toISOString().slice(0, 10),
  lastPushedAt: new Date(r.last_at).toISOString(),
});
export const mapStale = (asOf: number) => (r: StaleRow): StaleDeal => ({
  ...deal(r),
  stage: r.stage,
  enteredAt: new Date(r.entered_at).toISOString(),
  daysInStage: Math.floor((asOf - r.entered_at) / DAY_MS),
  teamMedianDays: Math.round((r.median_ms / DAY_MS) * 10) / 10,
});
