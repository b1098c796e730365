// Seeds the bench database with N violations and their stage transitions using INSERT … SELECT over a
// recursive CTE, in chunks, so a million rows take seconds instead of a million round trips.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { D1Database as D1 } from "@cloudflare/workers-types/experimental";
import { unstable_splitSqlQuery } from "wrangler";

export const SPAN_MS = 730 * 24 * 60 * 60 * 1000; // two years of history
export const OWNERS = 200;
export const TEAMS = 20;

/** Applies migrations/*.sql in order, statement by statement (D1 has no multi-statement prepare). */
export async function applyMigrations(db: D1, dir: string): Promise<void> {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    // wrangler's splitter: the same one migrations go through (it keeps trigger bodies whole).
    const statements = unstable_splitSqlQuery(readFileSync(path.join(dir, file), "utf8"));
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

/** Deterministic pseudo-random in [0, m) from the row number n and a salt (no RANDOM(): reproducible runs). */
const pick = (salt: number, m: number) => `((n * ${2654435761 + salt * 40503}) % 2147483647) % ${m}`;

export async function seedViolations(db: D1, total: number, now: number, chunk = 100_000): Promise<void> {
  const stages = ["'appointmentscheduled'", "'qualifiedtobuy'", "'presentationscheduled'", "'decisionmakerboughtin'", "'contractsent'", "'closedwon'", "'closedlost'", "'negotiation'"];
  const rules = ["amount-required", "close-date-set", "decision-maker", "no-skip", "next-step", "champion", "budget", "timeline", "products", "contacts", "company", "notes"];
  const stageCase = (expr: string) => `CASE ${expr} ${stages.map((s, i) => `WHEN ${i} THEN ${s}`).join(" ")} END`;
  const ruleCase = (expr: string) => `CASE ${expr} ${rules.map((r, i) => `WHEN ${i} THEN '${r}'`).join(" ")} END`;
  for (let start = 1; start <= total; start += chunk) {
    const end = Math.min(total, start + chunk - 1);
    await db
      .prepare(
        `WITH RECURSIVE seq(n) AS (SELECT ${start} UNION ALL SELECT n + 1 FROM seq WHERE n < ${end})
         INSERT INTO violations (id, portal_id, deal_id, deal_name, pipeline_id, from_stage, to_stage, from_stage_label, to_stage_label,
           policy_id, policy_version, rule_id, severity, mode, message, missing, trace, actions, owner_id, team_id, actor_user_id,
           change_source, source_events, status, occurred_at, detected_at, resolved_at, time_to_fix_ms)
         SELECT printf('v%08d', n), 555, 'd' || (${pick(1, 150000)}), 'Deal ' || n, CASE WHEN ${pick(2, 10)} < 8 THEN 'default' ELSE 'renewals' END,
           ${stageCase(pick(3, 8))}, ${stageCase(pick(4, 8))}, NULL, NULL,
           'policy-' || (${pick(5, 12)} / 3), 'v1', ${ruleCase(pick(5, 12))},
           CASE ${pick(6, 10)} WHEN 0 THEN 'critical' WHEN 1 THEN 'info' WHEN 2 THEN 'info' ELSE 'warning' END,
           CASE WHEN ${pick(7, 5)} = 0 THEN 'audit' ELSE 'enforce' END,
           'Rule broken', '["amount"]', '[{"check":"required","passed":false,"values":{},"detail":"amount is empty"}]',
           '[{"type":"task","outcome":"done"},{"type":"revert","outcome":"would-run"}]',
           'o' || (n % ${OWNERS}), 't' || ((n % ${OWNERS}) % ${TEAMS}), 'u' || (n % ${OWNERS}), 'CRM_UI', '[]',
           CASE WHEN occ < ${now - 14 * 86_400_000} AND ${pick(8, 10)} < 8 THEN 'resolved' ELSE 'open' END,
           occ, occ + 2000,
           CASE WHEN occ < ${now - 14 * 86_400_000} AND ${pick(8, 10)} < 8 THEN occ + fix END,
           CASE WHEN occ < ${now - 14 * 86_400_000} AND ${pick(8, 10)} < 8 THEN fix END
         FROM (SELECT n, ${now} - (n * ${Math.floor(SPAN_MS / total)}) - ${pick(9, 3_600_000)} AS occ, 600000 + ${pick(10, 1_209_600_000)} AS fix FROM seq)`,
      )
      .run();
  }
}

/** Two transitions per violation: the violating one and a compliant one, same owner/team and time range. */
export async function seedTransitions(db: D1, total: number, now: number, chunk = 100_000): Promise<void> {
  for (let start = 1; start <= total; start += chunk) {
    const end = Math.min(total, start + chunk - 1);
    await db
      .prepare(
        `WITH RECURSIVE seq(n) AS (SELECT ${start} UNION ALL SELECT n + 1 FROM seq WHERE n < ${end})
         INSERT INTO stage_transitions (id, portal_id, deal_id, pipeline_id, from_stage, to_stage, from_index, to_index, to_is_closed, to_is_won,
           owner_id, team_id, actor_user_id, change_source, occurred_at, time_in_from_ms, compliant, violation_count)
         SELECT printf('s%08d', n), 555, 'd' || (n / 3), 'default', 'stage' || si, 'stage' || (si + 1), si, si + 1,
           si + 1 >= 6, si + 1 = 6, 'o' || ((n / 2) % ${OWNERS}), 't' || (((n / 2) % ${OWNERS}) % ${TEAMS}), 'u1', 'CRM_UI',
           ${now} - (n * ${Math.floor(SPAN_MS / total)}), 3600000 + ${pick(11, 1_000_000_000)}, n % 2, 1 - n % 2
         FROM (SELECT n, n % 6 AS si FROM seq)`,
      )
      .run();
  }
}
