// Each rep's figures for the weekly review: this week and last week, side by side, and the team's. One grouped
// statement per source table over the two weeks; the team's members come from the owners cache plus anyone active.
import { COMPLIANCE_SQL, moveKindSql, RESOLUTION_KIND_SQL, shareOf } from "./figures";
import type { ReviewScope } from "./review-deals";

const WEEK_MS = 7 * 86_400_000;

export interface WeekFigures {
  /** Stage moves (creations excluded). */
  moves: number;
  advanced: number;
  movedBack: number;
  won: number;
  lost: number;
  created: number;
  compliantMoves: number;
  complianceRate: number | null;
  newViolations: number;
  /** Resolved by a person's fix; engine reverts and merges are counted apart. */
  fixedViolations: number;
  revertedByEngine: number;
  closeDatePushes: number;
}
export interface RepWeek {
  ownerId: string;
  thisWeek: WeekFigures;
  lastWeek: WeekFigures;
}

const empty = (): WeekFigures => ({
  moves: 0, advanced: 0, movedBack: 0, won: 0, lost: 0, created: 0, compliantMoves: 0, complianceRate: null, newViolations: 0, fixedViolations: 0, revertedByEngine: 0, closeDatePushes: 0,
});

export function repStatements(db: D1Database, s: ReviewScope): D1PreparedStatement[] {
  const last = s.start - WEEK_MS;
  const kind = moveKindSql("t");
  return [
    db.prepare("SELECT id AS owner_id, 0 AS w FROM owners WHERE primary_team_id = ? AND archived = 0").bind(s.teamId),
    db
      .prepare(
        `SELECT t.owner_id, t.occurred_at >= ?2 AS w, ${COMPLIANCE_SQL.raw("t.")},
           SUM(${kind} = 'advanced') AS advanced, SUM(${kind} = 'moved-back') AS moved_back, SUM(${kind} = 'won') AS won, SUM(${kind} = 'lost') AS lost
         FROM stage_transitions t WHERE t.team_id = ?1 AND t.occurred_at >= ?3 AND t.occurred_at < ?4 AND t.owner_id IS NOT NULL GROUP BY 1, 2`,
      )
      .bind(s.teamId, s.start, last, s.end),
    db
      .prepare("SELECT owner_id, occurred_at >= ?2 AS w, COUNT(*) AS n FROM violations WHERE team_id = ?1 AND occurred_at >= ?3 AND occurred_at < ?4 AND owner_id IS NOT NULL GROUP BY 1, 2")
      .bind(s.teamId, s.start, last, s.end),
    db
      .prepare(
        `SELECT owner_id, resolved_at >= ?2 AS w, SUM(${RESOLUTION_KIND_SQL} = 'person') AS n, SUM(${RESOLUTION_KIND_SQL} = 'engine') AS reverted FROM violations
         WHERE team_id = ?1 AND resolved_at >= ?3 AND resolved_at < ?4 AND status = 'resolved' AND owner_id IS NOT NULL GROUP BY 1, 2`,
      )
      .bind(s.teamId, s.start, last, s.end),
    db
      .prepare("SELECT owner_id, occurred_at >= ?2 AS w, COUNT(*) AS n FROM close_date_changes WHERE team_id = ?1 AND occurred_at >= ?3 AND occurred_at < ?4 AND pushed_days > 0 AND owner_id IS NOT NULL GROUP BY 1, 2")
      .bind(s.teamId, s.start, last, s.end),
  ];
}

interface MoveFigureRow {
  owner_id: string;
  w: number;
  changes: number;
  compliant: number;
  creations: number;
  advanced: number;
  moved_back: number;
  won: number;
  lost: number;
}
interface CountRow {
  owner_id: string;
  w: number;
  n: number;
}

/** Folds the five result sets into one row per rep (sorted by this week's moves) plus the team's totals. */
export function foldRepFigures(results: Array<D1Result<unknown> | undefined>): { reps: RepWeek[]; team: { thisWeek: WeekFigures; lastWeek: WeekFigures } } {
  const [members, moves, created, fixed, pushes] = results.map((r) => (r?.results ?? []) as unknown[]);
  const byOwner = new Map<string, RepWeek>();
  const rep = (ownerId: string) => {
    let r = byOwner.get(ownerId);
    if (!r) byOwner.set(ownerId, (r = { ownerId, thisWeek: empty(), lastWeek: empty() }));
    return r;
  };
  const week = (r: { owner_id: string; w: number }) => (r.w === 1 ? rep(r.owner_id).thisWeek : rep(r.owner_id).lastWeek);
  for (const m of (members ?? []) as CountRow[]) rep(m.owner_id);
  for (const m of (moves ?? []) as MoveFigureRow[]) {
    Object.assign(week(m), { moves: m.changes, compliantMoves: m.compliant, created: m.creations, advanced: m.advanced, movedBack: m.moved_back, won: m.won, lost: m.lost });
  }
  for (const c of (created ?? []) as CountRow[]) week(c).newViolations = c.n;
  for (const c of (fixed ?? []) as Array<CountRow & { reverted: number }>) Object.assign(week(c), { fixedViolations: c.n, revertedByEngine: c.reverted });
  for (const c of (pushes ?? []) as CountRow[]) week(c).closeDatePushes = c.n;
  const reps = [...byOwner.values()];
  const team = { thisWeek: empty(), lastWeek: empty() };
  for (const r of reps) {
    for (const k of ["thisWeek", "lastWeek"] as const) {
      r[k].complianceRate = shareOf(r[k].compliantMoves, r[k].moves);
      for (const f of ["moves", "advanced", "movedBack", "won", "lost", "created", "compliantMoves", "newViolations", "fixedViolations", "revertedByEngine", "closeDatePushes"] as const) {
        team[k][f] += r[k][f];
      }
    }
  }
  team.thisWeek.complianceRate = shareOf(team.thisWeek.compliantMoves, team.thisWeek.moves);
  team.lastWeek.complianceRate = shareOf(team.lastWeek.compliantMoves, team.lastWeek.moves);
  reps.sort((a, b) => b.thisWeek.moves - a.thisWeek.moves || a.ownerId.localeCompare(b.ownerId));
  return { reps, team };
}
