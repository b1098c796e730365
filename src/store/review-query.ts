// The manager's weekly review for one team (one D1 round trip): stage moves, close-date slips, stale deals, new and
// fixed violations, and each rep's figures against last week and the team. Weeks are Monday 00:00 UTC to Monday.
import { RESOLUTION_KIND_SQL, type MoveKind, type ResolutionKind } from "./figures";
import {
  cap, mapMove, mapSlip, mapStale, moveStatements, REVIEW_ROW_LIMIT, slipStatement, staleStatement,
  type Capped, type CloseDateSlip, type MoveRow, type ReviewScope, type SlipRow, type StageMove, type StaleDeal, type StaleRow,
} from "./review-deals";
import { foldRepFigures, repStatements, type RepWeek, type WeekFigures } from "./review-reps";
import { mapViolationRow, VIOLATION_LIST_COLUMNS, type ViolationItem, type ViolationListRow } from "./violations";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
// Epoch day 0 was a Thursday; shifting by 3 days makes weeks start on Monday (UTC).
const MONDAY_SHIFT_MS = 3 * DAY_MS;

/** Monday 00:00 UTC (epoch ms) of the week containing `ms`. */
export function weekStartMs(ms: number): number {
  return Math.floor((ms + MONDAY_SHIFT_MS) / WEEK_MS) * WEEK_MS - MONDAY_SHIFT_MS;
}

export interface WeeklyReview {
  teamId: string;
  week: { start: string; end: string; asOf: string; partial: boolean };
  moveCounts: Record<MoveKind, number>;
  moves: Capped<StageMove>;
  closeDateSlips: Capped<CloseDateSlip>;
  staleDeals: Capped<StaleDeal>;
  newViolations: Capped<ViolationItem>;
  /** Everything resolved this week, each with how: a person's fix, an engine revert, or a merge. */
  fixedViolations: Capped<ViolationItem & { resolution: ResolutionKind }>;
  reps: RepWeek[];
  team: { thisWeek: WeekFigures; lastWeek: WeekFigures };
}

function violationStatements(db: D1Database, s: ReviewScope): D1PreparedStatement[] {
  const limit = REVIEW_ROW_LIMIT + 1;
  return [
    db
      .prepare(`SELECT ${VIOLATION_LIST_COLUMNS} FROM violations WHERE team_id = ? AND occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at DESC, id DESC LIMIT ${limit}`)
      .bind(s.teamId, s.start, s.end),
    db
      .prepare(`SELECT ${VIOLATION_LIST_COLUMNS}, ${RESOLUTION_KIND_SQL} AS resolution FROM violations WHERE team_id = ? AND resolved_at >= ? AND resolved_at < ? AND status = 'resolved' ORDER BY resolved_at DESC, id DESC LIMIT ${limit}`)
      .bind(s.teamId, s.start, s.end),
  ];
}

/** Builds the review of `teamId` for the week containing `weekOf`, as of `now`. Throws only on D1 errors. */
export async function getWeeklyReview(db: D1Database, q: { teamId: string; weekOf: number; now: number }): Promise<WeeklyReview> {
  const start = weekStartMs(q.weekOf);
  const end = start + WEEK_MS;
  const scope: ReviewScope = { teamId: q.teamId, start, end, asOf: Math.min(end, q.now) };
  const statements = [...moveStatements(db, scope), slipStatement(db, scope), staleStatement(db, scope), ...violationStatements(db, scope), ...repStatements(db, scope)];
  const results = await db.batch<unknown>(statements);
  const rows = <T>(i: number) => (results[i]?.results ?? []) as T[];
  const moveCounts: Record<MoveKind, number> = { created: 0, advanced: 0, "moved-back": 0, won: 0, lost: 0, moved: 0 };
  for (const r of rows<{ kind: MoveKind; n: number }>(1)) moveCounts[r.kind] = r.n;
  const figures = foldRepFigures(results.slice(6));
  return {
    teamId: q.teamId,
    week: { start: new Date(start).toISOString(), end: new Date(end).toISOString(), asOf: new Date(scope.asOf).toISOString(), partial: q.now < end },
    moveCounts,
    moves: cap(rows<MoveRow>(0), mapMove),
    closeDateSlips: cap(rows<SlipRow>(2), mapSlip),
    staleDeals: cap(rows<StaleRow>(3), mapStale(scope.asOf)),
    newViolations: cap(rows<ViolationListRow>(4), mapViolationRow),
    fixedViolations: cap(rows<ViolationListRow & { resolution: ResolutionKind }>(5), (r) => ({ ...mapViolationRow(r), resolution: r.resolution })),
    ...figures,
  };
}
