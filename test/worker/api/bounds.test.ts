// Bounded queries (issue 16 item 4): every window and page size has a maximum answered with a 400 naming it, and the
// largest allowed requests stay small and quick. The seed is smaller than bench:query's 1M violations + 2M stage
// changes, but with the same density per rep (10,000 stage changes over two years) and per team (100,000): every
// report here reads one rep's or one team's rows, or rollup rows (days × owners), so it does the same work it would
// on the full set. The bound shown: answers grow with the number of periods (≤ 105 weeks, ≤ 24 months) or are
// capped at 500 rows, never with the number of rows seeded. bench:query prints the 1M-row timings.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { call, createToken, DAY, type ErrorJson } from "./fixtures";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const NOW = Date.now();
const SPAN = 730 * DAY;
const TRANSITIONS = 200_000;
const VIOLATIONS = TRANSITIONS / 2;
const OWNERS = 20;
let admin = "";

async function seed(): Promise<void> {
  const chunk = 50_000;
  for (let start = 1; start <= TRANSITIONS; start += chunk) {
    const end = Math.min(TRANSITIONS, start + chunk - 1);
    await env.DB.prepare(
      `WITH RECURSIVE seq(n) AS (SELECT ${start} UNION ALL SELECT n + 1 FROM seq WHERE n < ${end})
       INSERT INTO stage_transitions (id, portal_id, deal_id, pipeline_id, from_stage, to_stage, from_index, to_index, to_is_closed, to_is_won,
         owner_id, team_id, occurred_at, time_in_from_ms, compliant, violation_count)
       SELECT 'b' || n, 555, 'bd' || (n / 4), 'default', CASE WHEN n % 4 = 0 THEN NULL ELSE 'stage' || (n % 4 - 1) END, 'stage' || (n % 4),
         CASE WHEN n % 4 = 0 THEN NULL ELSE n % 4 - 1 END, n % 4, 0, 0, 'o' || ((n / 4) % ${OWNERS}), 't' || (((n / 4) % ${OWNERS}) % 2),
         ${NOW} - ${SPAN} + (n * ${Math.floor(SPAN / TRANSITIONS)}) + (n % 4) * 3600000, 3600000 + (n * 7919) % 900000000, n % 7 <> 0, n % 7 = 0
       FROM seq`,
    ).run();
  }
  for (let start = 1; start <= VIOLATIONS; start += chunk) {
    const end = Math.min(VIOLATIONS, start + chunk - 1);
    await env.DB.prepare(
      `WITH RECURSIVE seq(n) AS (SELECT ${start} UNION ALL SELECT n + 1 FROM seq WHERE n < ${end})
       INSERT INTO violations (id, portal_id, deal_id, deal_name, pipeline_id, from_stage, to_stage, policy_id, policy_version, rule_id, severity, mode,
         message, missing, owner_id, team_id, status, occurred_at, detected_at, resolved_at, time_to_fix_ms)
       SELECT 'bv' || n, 555, 'bd' || (n * 2 / 4), 'Deal ' || n, 'default', 'stage0', 'stage1', 'entry-criteria', 'v1', 'amount-required', 'warning', 'enforce',
         'Amount is required', CASE WHEN n % 3 = 0 THEN '["amount"]' ELSE '[]' END, 'o' || ((n * 2 / 4) % ${OWNERS}), 't' || (((n * 2 / 4) % ${OWNERS}) % 2),
         CASE WHEN n % 5 = 0 THEN 'open' ELSE 'resolved' END, occ, occ + 1000, CASE WHEN n % 5 = 0 THEN NULL ELSE occ + 7200000 END, CASE WHEN n % 5 = 0 THEN NULL ELSE 7200000 END
       FROM (SELECT n, ${NOW} - ${SPAN} + n * ${Math.floor(SPAN / VIOLATIONS)} AS occ FROM seq)`,
    ).run();
  }
  // One very busy week for team t0: more moves than a review list shows.
  await env.DB.prepare(
    `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 700)
     INSERT INTO stage_transitions (id, portal_id, deal_id, pipeline_id, from_stage, to_stage, from_index, to_index, owner_id, team_id, occurred_at, compliant)
     SELECT 'busy' || n, 555, 'busy' || n, 'default', 'stage1', 'stage2', 1, 2, 'o0', 't0', ${NOW - 30 * DAY} + n * 60000, 1 FROM seq`,
  ).run();
}

beforeAll(async () => {
  const t0 = Date.now();
  await seed();
  console.log(`seeded ${TRANSITIONS} stage changes and ${VIOLATIONS} violations in ${Date.now() - t0} ms`);
  admin = await createToken({ role: "admin" });
});

/** Calls the API and returns status, body size and elapsed time. */
async function measure(path: string): Promise<{ status: number; bytes: number; ms: number; body: string }> {
  const started = Date.now();
  const res = await call(path, { token: admin });
  const body = await res.text();
  console.log(`${path}: ${res.status}, ${body.length} bytes, ${Date.now() - started} ms`);
  return { status: res.status, bytes: body.length, ms: Date.now() - started, body };
}

const twoYearsAgo = new Date(NOW - 731 * DAY + DAY).toISOString().slice(0, 10);
const today = new Date(NOW).toISOString().slice(0, 10);

describe("the largest allowed reports stay bounded", () => {
  it("a rep's record over two years: a weekly trend from the rollups, ≤ 106 weeks, small and quick", async () => {
    const r = await measure(`/api/reps/o3?from=${twoYearsAgo}&to=${today}`);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as { trend: unknown[]; stageChanges: { total: number } };
    expect(body.stageChanges.total).toBeGreaterThan(5_000);
    expect(body.trend.length).toBeLessThanOrEqual(106);
    expect(r.bytes).toBeLessThan(64 * 1024);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("a 24-month trend, a 104-week adoption series and a busy week's review", async () => {
    const trend = await measure("/api/reps/o3/trend?months=24");
    expect(trend.status).toBe(200);
    expect(trend.bytes).toBeLessThan(128 * 1024);
    expect(trend.ms).toBeLessThan(10_000);
    const adoption = await measure("/api/adoption?weeks=104");
    expect(adoption.status).toBe(200);
    expect(adoption.bytes).toBeLessThan(64 * 1024);
    expect(adoption.ms).toBeLessThan(10_000);
    const week = new Date(NOW - 30 * DAY).toISOString().slice(0, 10);
    const review = await measure(`/api/review?team=t0&week=${week}`);
    expect(review.status).toBe(200);
    const body = JSON.parse(review.body) as { moves: { items: unknown[]; truncated: boolean } };
    expect(body.moves.items).toHaveLength(500);
    expect(body.moves.truncated).toBe(true);
    expect(review.bytes).toBeLessThan(1024 * 1024);
    expect(review.ms).toBeLessThan(10_000);
  });

  it("the summary over two years", async () => {
    const s = await measure(`/api/summary?from=${twoYearsAgo}&to=${today}`);
    expect(s.status).toBe(200);
    expect(s.ms).toBeLessThan(10_000);
  });
});

describe("past a limit: 400 naming it", () => {
  it.each([
    ["/api/reps/o3?from=0&to=999999999999999", "731 days"],
    ["/api/reps/o3?from=2020-01-01", "731 days"],
    ["/api/summary?from=2020-01-01&to=2026-01-01", "731 days"],
    ["/api/policies/entry-criteria?from=2020-01-01", "731 days"],
    ["/api/violations?limit=501", "500"],
    ["/api/reps/o3/trend?months=25", "24"],
    ["/api/adoption?weeks=105", "104"],
  ])("%s", async (path, limit) => {
    const res = await call(path, { token: admin });
    expect(res.status).toBe(400);
    const body = await res.json<ErrorJson>();
    expect(body.error.code).toBe("INVALID_QUERY");
    expect(JSON.stringify(body.error)).toContain(limit);
  });
});
