// Hits per policy rule for the policies index: open/resolved counts and a weekly series per rule over a window.
// Whole-day windows read the rule rollup (0004, kept by triggers); finer windows scan violations. Read-only.
import { DAY_MS, WEEK_MS, weeksOf } from "./summary-query";

// Epoch day 0 was a Thursday; +3 days makes weeks start on Monday (UTC), as in the summary.
const MONDAY_SHIFT_DAYS = 3;

export interface RuleHits {
  policyId: string;
  ruleId: string;
  open: number;
  resolved: number;
  /** One entry per week of the window (Monday, UTC), oldest first, zeros included. */
  weekly: Array<{ week: string; hits: number }>;
}

export interface PolicyHitsFilter {
  teams: string[] | null;
  from: number;
  to: number;
}

interface Row {
  policy_id: string;
  rule_id: string;
  week: number;
  open: number;
  resolved: number;
}

function statement(db: D1Database, f: PolicyHitsFilter): D1PreparedStatement {
  const teams = f.teams === null ? null : JSON.stringify(f.teams);
  if (f.from % DAY_MS === 0 && f.to % DAY_MS === 0) {
    // Unrestricted callers read the all-teams ('*') rows; team-scoped callers their teams' rows.
    return db
      .prepare(
        `SELECT k1 AS policy_id, k2 AS rule_id, (day + ${MONDAY_SHIFT_DAYS}) / 7 AS week, SUM(open) AS open, SUM(resolved) AS resolved
         FROM violation_rollup WHERE dim = 'rule' AND day >= ?1 AND day < ?2
           AND (CASE WHEN ?3 IS NULL THEN team_id = '*' ELSE team_id IN (SELECT value FROM json_each(?3)) END)
         GROUP BY 1, 2, 3 HAVING SUM(open) + SUM(resolved) > 0`,
      )
      .bind(f.from / DAY_MS, f.to / DAY_MS, teams);
  }
  return db
    .prepare(
      `SELECT policy_id, rule_id, (occurred_at / ${DAY_MS} + ${MONDAY_SHIFT_DAYS}) / 7 AS week,
              SUM(status = 'open') AS open, SUM(status = 'resolved') AS resolved
       FROM violations WHERE occurred_at >= ?1 AND occurred_at < ?2 AND (?3 IS NULL OR team_id IN (SELECT value FROM json_each(?3)))
       GROUP BY 1, 2, 3`,
    )
    .bind(f.from, f.to, teams);
}

/** Hits per (policy, rule) in the window with a weekly series; rules without hits are absent. Throws only on D1 errors. */
export async function listRuleHits(db: D1Database, f: PolicyHitsFilter): Promise<RuleHits[]> {
  const { results } = await statement(db, f).all<Row>();
  const weeks = weeksOf(f.from, f.to);
  const byRule = new Map<string, RuleHits>();
  for (const r of results) {
    const key = `${r.policy_id}\u0000${r.rule_id}`;
    const hit = byRule.get(key) ?? { policyId: r.policy_id, ruleId: r.rule_id, open: 0, resolved: 0, weekly: weeks.map((week) => ({ week, hits: 0 })) };
    hit.open += r.open;
    hit.resolved += r.resolved;
    const week = new Date(r.week * WEEK_MS - MONDAY_SHIFT_DAYS * DAY_MS).toISOString().slice(0, 10);
    const slot = hit.weekly.find((w) => w.week === week);
    if (slot) slot.hits += r.open + r.resolved;
    byRule.set(key, hit);
  }
  return [...byRule.values()];
}
