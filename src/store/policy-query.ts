// Policy view: hits per rule and mode, and what enforce mode would have done (planned actions of audit hits, the
// reverts warn mode only recorded).
import type { Mode } from "../policy";
import { DAY_MS, type Counts } from "./summary-query";

export interface PolicyStats {
  policyId: string;
  window: { from: string; to: string };
  rules: Array<Counts & { ruleId: string; mode: Mode }>;
  /** What enforce would have taken, per rule and action: every planned action of audit-mode hits, the reverts of warn-mode ones. */
  wouldHaveDone: Array<{ ruleId: string; action: string; count: number }>;
  versions: Array<{ version: string; firstSeen: string; lastSeen: string; hits: number }>;
}

export interface PolicyFilter {
  policyId: string;
  teams: string[] | null;
  from: number;
  to: number;
}

/** Aggregates one policy's hits in the window (team-scoped). Throws only on D1 errors. */
export async function getPolicyStats(db: D1Database, f: PolicyFilter): Promise<PolicyStats> {
  let teamSql = "";
  if (f.teams !== null) teamSql = f.teams.length ? ` AND team_id IN (${f.teams.map(() => "?").join(", ")})` : " AND 0";
  const params = [f.policyId, f.from, f.to, ...(f.teams ?? [])];
  const where = `policy_id = ? AND occurred_at >= ? AND occurred_at < ?${teamSql}`;
  const wholeDays = f.from % DAY_MS === 0 && f.to % DAY_MS === 0;
  // One scan of the covering index gives both the per-rule/mode counts and the versions seen.
  const [groups, actions] = await db.batch<unknown>([
    db
      .prepare(
        `SELECT rule_id, mode, policy_version, SUM(status = 'open') AS open, SUM(status = 'resolved') AS resolved,
                MIN(occurred_at) AS first, MAX(occurred_at) AS last
         FROM violations WHERE ${where} GROUP BY 1, 2, 3`,
      )
      .bind(...params),
    wholeDays
      ? // Rollup kept by triggers (0004): constant cost however many audit hits there are.
        db
          .prepare(
            `SELECT rule_id, action, SUM(count) AS count FROM audit_action_rollup WHERE policy_id = ? AND day >= ? AND day < ?${teamSql}
             GROUP BY 1, 2 HAVING SUM(count) > 0 ORDER BY 1, 2`,
          )
          .bind(f.policyId, f.from / DAY_MS, f.to / DAY_MS, ...(f.teams ?? []))
      : db
          .prepare(
            `SELECT v.rule_id, COALESCE(json_extract(a.value, '$.type'), 'unknown') AS action, COUNT(*) AS count
             FROM violations v, json_each(CASE WHEN json_valid(v.actions) THEN v.actions ELSE '[]' END) a
             WHERE ${where.replace(/(policy_id|occurred_at|team_id)/g, "v.$1")} AND (v.mode = 'audit' OR (v.mode = 'warn' AND json_extract(a.value, '$.outcome') = 'would-run'))
             GROUP BY 1, 2 ORDER BY 1, 2`,
          )
          .bind(...params),
  ]);
  type GroupRow = { rule_id: string; mode: Mode; policy_version: string; open: number; resolved: number; first: number; last: number };
  type ActionRow = { rule_id: string; action: string; count: number };
  const rows = (groups?.results ?? []) as GroupRow[];
  const rules = new Map<string, Counts & { ruleId: string; mode: Mode }>();
  const versions = new Map<string, { version: string; first: number; last: number; hits: number }>();
  for (const r of rows) {
    const key = `${r.rule_id}\u0000${r.mode}`;
    const rule = rules.get(key) ?? { ruleId: r.rule_id, mode: r.mode, open: 0, resolved: 0, total: 0 };
    rule.open += r.open;
    rule.resolved += r.resolved;
    rule.total += r.open + r.resolved;
    rules.set(key, rule);
    const v = versions.get(r.policy_version) ?? { version: r.policy_version, first: r.first, last: r.last, hits: 0 };
    v.first = Math.min(v.first, r.first);
    v.last = Math.max(v.last, r.last);
    v.hits += r.open + r.resolved;
    versions.set(r.policy_version, v);
  }
  const byKey = <T extends { ruleId: string; mode: string }>(a: T, b: T) => a.ruleId.localeCompare(b.ruleId) || a.mode.localeCompare(b.mode);
  return {
    policyId: f.policyId,
    window: { from: new Date(f.from).toISOString(), to: new Date(f.to).toISOString() },
    rules: [...rules.values()].sort(byKey),
    wouldHaveDone: ((actions?.results ?? []) as ActionRow[]).map((r) => ({ ruleId: r.rule_id, action: r.action, count: r.count })),
    versions: [...versions.values()]
      .sort((a, b) => b.last - a.last)
      .slice(0, 20)
      .map((v) => ({ version: v.version, firstSeen: new Date(v.first).toISOString(), lastSeen: new Date(v.last).toISOString(), hits: v.hits })),
  };
}
