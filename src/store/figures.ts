// The managers' figures, defined once (docs/managers.md "Definitions"): compliance, data completeness, conversion,
// time in stage, and how a stage move is classified. Every read model builds its SQL from these fragments, so a
// change of definition is one edit here. Pure: strings and arithmetic, no I/O.

/**
 * Compliance (issue 10 item 5): the share of stage moves with no violation. Deal creations are excluded and
 * counted apart. `rollup` reads stage_change_rollup (0005); `raw` reads stage_transitions rows.
 */
export const COMPLIANCE_SQL = {
  rollup: "COALESCE(SUM(moves), 0) AS changes, COALESCE(SUM(moves_compliant), 0) AS compliant, COALESCE(SUM(creations), 0) AS creations",
  raw: (t = "") =>
    `COALESCE(SUM(${t}from_stage IS NOT NULL), 0) AS changes, COALESCE(SUM(${t}from_stage IS NOT NULL AND ${t}compliant = 1), 0) AS compliant, ` +
    `COALESCE(SUM(${t}from_stage IS NULL), 0) AS creations`,
} as const;

/**
 * Data completeness: the share of stage changes (creations included — a deal created in a stage owes that stage's
 * data too) that no rule found lacking required data. Reads stage_change_rollup and incomplete_rollup (0005).
 */
export const COMPLETENESS_DENOMINATOR_SQL = "COALESCE(SUM(moves + creations), 0)";

/** `part / whole`, or null when there is nothing to divide (never NaN). */
export function shareOf(part: number, whole: number): number | null {
  return whole > 0 ? Math.min(1, Math.max(0, part / whole)) : null;
}

/** Completeness from the two rollup counts; null without stage changes. */
export function completenessOf(changes: number, incomplete: number): number | null {
  return changes > 0 ? Math.max(0, 1 - incomplete / changes) : null;
}

/**
 * Conversion (issue 10 item 5): a deal that entered stage A (the row aliased `e`) converted when it later (in
 * time, before `?to`) reached any later open stage of the same pipeline, or Closed Won — a deal that skipped a stage
 * still passed it; Closed Lost never counts. Bind one parameter: the end of the observation window.
 */
export function convertedLaterSql(e: string): string {
  return `EXISTS (SELECT 1 FROM stage_transitions l WHERE l.deal_id = ${e}.deal_id AND l.occurred_at > ${e}.occurred_at AND l.occurred_at < ?
    AND COALESCE(l.pipeline_id, '') = COALESCE(${e}.pipeline_id, '')
    AND (l.to_is_won = 1 OR (l.to_is_closed = 0 AND l.to_index > ${e}.to_index)))`;
}

/** A stage move's kind in the weekly review. */
export type MoveKind = "created" | "advanced" | "moved-back" | "won" | "lost" | "moved";

/** SQL for the move kind of a stage_transitions row aliased `t` (same cases as `MoveKind`). */
export function moveKindSql(t: string): string {
  return `CASE WHEN ${t}.to_is_won = 1 THEN 'won' WHEN ${t}.to_is_closed = 1 THEN 'lost' WHEN ${t}.from_stage IS NULL THEN 'created'
    WHEN ${t}.to_index > ${t}.from_index THEN 'advanced' WHEN ${t}.to_index < ${t}.from_index THEN 'moved-back' ELSE 'moved' END`;
}

/** UTC calendar month ('YYYY-MM') of an epoch-ms column. */
export function monthSql(column: string): string {
  return `strftime('%Y-%m', ${column} / 1000, 'unixepoch')`;
}

/**
 * How a resolved violation was closed: 'engine' (the engine reverted the move), 'merge' (the deal was merged away) or
 * 'person' (someone fixed the deal). Only people's fixes count as fixes (issue 13 item 5).
 */
export type ResolutionKind = "person" | "engine" | "merge";
export const RESOLUTION_KIND_SQL =
  "CASE WHEN resolved_by LIKE 'engine:%' THEN 'engine' WHEN resolved_by LIKE 'merged:%' THEN 'merge' ELSE 'person' END";
