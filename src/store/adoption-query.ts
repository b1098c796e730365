// Adoption health: weekly compliance and data completeness per team, from the 0005 rollups in one grouped read,
// and a flag on each team whose figures dropped by more than a threshold over two weeks (retrain-and-fade, early).
import { COMPLETENESS_DENOMINATOR_SQL, COMPLIANCE_SQL, completenessOf, shareOf } from "./figures";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const MONDAY_SHIFT_DAYS = 3;
/** A week with fewer stage changes than this is too small to flag a drop on. */
export const MIN_CHANGES_FOR_FLAG = 5;

export interface AdoptionWeek {
  week: string;
  partial: boolean;
  changes: number;
  complianceRate: number | null;
  completeness: number | null;
}
export interface TeamAdoption {
  teamId: string;
  weeks: AdoptionWeek[];
  /** Set when compliance or completeness fell by more than the threshold between the two weeks compared. */
  flag: { metric: "compliance" | "completeness"; fromWeek: string; toWeek: string; dropPoints: number } | null;
}
export interface AdoptionHealth {
  dropThresholdPoints: number;
  teams: TeamAdoption[];
}

interface Row {
  team_id: string;
  w: number;
  changes: number;
  compliant: number;
  all_changes: number;
  incomplete: number;
}

const weekLabel = (w: number) => new Date(w * WEEK_MS - MONDAY_SHIFT_DAYS * DAY_MS).toISOString().slice(0, 10);

/**
 * The last complete week against the week two weeks before it: a drop of more than `threshold` points in either
 * share flags the team. The current, partial week is shown but never compared.
 */
export function findDrop(weeks: AdoptionWeek[], threshold: number): TeamAdoption["flag"] {
  const complete = weeks.filter((w) => !w.partial);
  const now = complete[complete.length - 1];
  const before = complete[complete.length - 3];
  if (!now || !before || now.changes < MIN_CHANGES_FOR_FLAG || before.changes < MIN_CHANGES_FOR_FLAG) return null;
  for (const metric of ["compliance", "completeness"] as const) {
    const pick = (w: AdoptionWeek) => (metric === "compliance" ? w.complianceRate : w.completeness);
    const a = pick(before);
    const b = pick(now);
    if (a === null || b === null) continue;
    const drop = Math.round((a - b) * 1000) / 10;
    if (drop > threshold) return { metric, fromWeek: before.week, toWeek: now.week, dropPoints: drop };
  }
  return null;
}

/** Weekly series for `teams` (null = every team with data) over the `weeks` weeks ending with the current one. */
export async function getAdoptionHealth(db: D1Database, q: { teams: string[] | null; weeks: number; now: number; dropThresholdPoints: number }): Promise<AdoptionHealth> {
  const lastWeek = Math.floor((q.now / DAY_MS + MONDAY_SHIFT_DAYS) / 7);
  const firstWeek = lastWeek - q.weeks + 1;
  const [fromDay, toDay] = [firstWeek * 7 - MONDAY_SHIFT_DAYS, (lastWeek + 1) * 7 - MONDAY_SHIFT_DAYS];
  const scope = q.teams === null ? " AND team_id <> ''" : q.teams.length ? ` AND team_id IN (${q.teams.map(() => "?").join(", ")})` : " AND 0";
  const teamParams = q.teams ?? [];
  const { results } = await db
    .prepare(
      `WITH changes AS (
         SELECT team_id, (day + ${MONDAY_SHIFT_DAYS}) / 7 AS w, ${COMPLIANCE_SQL.rollup}, ${COMPLETENESS_DENOMINATOR_SQL} AS all_changes
         FROM stage_change_rollup WHERE day >= ? AND day < ?${scope} GROUP BY 1, 2),
       gaps AS (SELECT team_id, (day + ${MONDAY_SHIFT_DAYS}) / 7 AS w, SUM(changes) AS incomplete
         FROM incomplete_rollup WHERE day >= ? AND day < ?${scope} GROUP BY 1, 2)
       SELECT c.team_id, c.w, c.changes, c.compliant, c.all_changes, COALESCE(g.incomplete, 0) AS incomplete
       FROM changes c LEFT JOIN gaps g ON g.team_id = c.team_id AND g.w = c.w ORDER BY c.team_id, c.w`,
    )
    .bind(fromDay, toDay, ...teamParams, fromDay, toDay, ...teamParams)
    .all<Row>();
  const byTeam = new Map<string, Map<number, Row>>();
  for (const id of q.teams ?? []) byTeam.set(id, new Map());
  for (const r of results) {
    const m = byTeam.get(r.team_id) ?? new Map<number, Row>();
    m.set(r.w, r);
    byTeam.set(r.team_id, m);
  }
  const teams = [...byTeam.entries()].map(([teamId, rows]) => {
    const weeks: AdoptionWeek[] = [];
    for (let w = firstWeek; w <= lastWeek; w++) {
      const r = rows.get(w);
      weeks.push({ week: weekLabel(w), partial: w === lastWeek, changes: r?.changes ?? 0, complianceRate: shareOf(r?.compliant ?? 0, r?.changes ?? 0), completeness: completenessOf(r?.all_changes ?? 0, r?.incomplete ?? 0) });
    }
    return { teamId, weeks, flag: findDrop(weeks, q.dropThresholdPoints) };
  });
  teams.sort((a, b) => Number(b.flag !== null) - Number(a.flag !== null) || a.teamId.localeCompare(b.teamId));
  return { dropThresholdPoints: q.dropThresholdPoints, teams };
}
