// The rule scan's pass over a portal: pages resume from the cursor in D1 (each open deal read once per pass), the
// shared rate budget is respected (a spent window or a 429 block stops the run before any call), one run at a time,
// and what a pass costs in HubSpot calls for N open deals.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SimClient, type SimPortal } from "../../../sim/client";
import { readConfig, type Config, type Env } from "../../../src/env";
import { scanOpenDeals, type ScanDeps } from "../../../src/enforcement/scan";
import { runRuleScan } from "../../../src/jobs/cron/scan-rules";
import { getScanState } from "../../../src/store/scan-state";
import { WINDOW_MS } from "../../../src/store/rate-budget";
import { rows, SIM_PROPERTIES } from "./harness";

let portal: SimPortal;
let portalEnv: Env;
let config: Config;
let openIds: string[];

beforeAll(async () => {
  portal = await new SimClient(env.SIM_URL).createPortal({ webhook: { enabled: false, mode: "outbox" } });
  await portal.seed({ pipelines: "default", teams: 2, ownersPerTeam: 2, deals: 130, historyDays: 90 });
  portalEnv = { ...env, ...portal.engineEnv(), METADATA_TTL_SECONDS: "300" };
  const read = readConfig(portalEnv);
  if (!read.ok) throw new Error(read.problems.join());
  config = read.config;
  openIds = (await portal.listDeals())
    .filter((d) => d.properties.hs_is_closed === "false")
    .map((d) => d.id)
    .sort((a, b) => Number(a) - Number(b));
}, 60_000);

// The shipped policies as they are (audit): the scan records findings and creates no task.
function scan(now: number, extra: Partial<ScanDeps> = {}) {
  return scanOpenDeals({ env: portalEnv, config, now, portalProperties: SIM_PROPERTIES, ...extra });
}

function readIdsOf(calls: Awaited<ReturnType<SimPortal["calls"]>>): string[] {
  return calls.filter((c) => c.path.includes("/deals/batch/read")).flatMap((c) => (c.body as { inputs: Array<{ id: string }> }).inputs.map((i) => i.id));
}

async function setBudget(now: number, fields: { used?: number; blockedUntil?: number }) {
  const windowStart = now - (now % WINDOW_MS);
  await env.DB.prepare("INSERT OR REPLACE INTO rate_budget (scope, window_start, used, window_max, blocked_until, blocked_reason, updated_at) VALUES ('hubspot', ?, ?, 152, ?, ?, ?)")
    .bind(windowStart, fields.used ?? 0, fields.blockedUntil ?? 0, fields.blockedUntil === undefined ? null : "429 TEN_SECONDLY_ROLLING", now)
    .run();
}

describe("a pass of the rule scan", () => {
  it("costs one search per 200 open deals and one history read per 50, and reads each open deal once", async () => {
    expect(openIds.length).toBeGreaterThan(50);
    await portal.clearCalls();
    const kinds = new Map<string, number>();
    const report = await scan(Date.now(), {
      maxPages: 10,
      onHubSpotCall: (call) => {
        const kind = new URL(call.url).pathname.replace(/\/\d+$/, "/{id}");
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      },
    });
    expect(report).toMatchObject({ stopped: null, passComplete: true, scanned: openIds.length, tasksCreated: 0 });
    const calls = await portal.calls();
    expect(calls.every((c) => c.status < 400)).toBe(true);
    expect(readIdsOf(calls).sort((a, b) => Number(a) - Number(b))).toEqual(openIds);
    const searches = kinds.get("/crm/v3/objects/deals/search") ?? 0;
    const reads = kinds.get("/crm/v3/objects/deals/batch/read") ?? 0;
    expect(searches).toBe(Math.ceil(openIds.length / 200));
    expect(reads).toBe(Math.ceil(openIds.length / 50));
    const table = [...kinds.entries()].sort().map(([k, n]) => `${k.padEnd(44)} ${n}`);
    console.log(`rule scan, first pass over ${openIds.length} open deals (metadata load, governance install): ${report.calls} calls\n${table.join("\n")}`);

    // Steady state (metadata cached, nothing new to write): exactly the search pages and the history reads.
    const again = await scan(Date.now(), { maxPages: 10 });
    expect(again).toMatchObject({ stopped: null, passComplete: true, scanned: openIds.length, violations: 0 });
    expect(again.calls).toBe(searches + reads);
    console.log(JSON.stringify({ openDeals: openIds.length, firstPassCalls: report.calls, steadyPassCalls: again.calls, searches, reads, findings: report.violations }));
  }, 60_000);

  it("resumes from the cursor in D1: pages across runs cover every open deal once", async () => {
    await portal.clearCalls();
    const now = Date.now() + 60_000;
    const first = await scan(now, { pageSize: 50, maxPages: 1 });
    expect(first).toMatchObject({ stopped: null, pages: 1, scanned: 50, passComplete: false, cursor: openIds[49] });
    expect(await getScanState(env.DB, config.HUBSPOT_PORTAL_ID ?? "default")).toMatchObject({ cursor: openIds[49], passScanned: 50 });
    const second = await scan(now + 1000, { pageSize: 50, maxPages: 1 });
    expect(second).toMatchObject({ pages: 1, scanned: 50, passComplete: false, cursor: openIds[99] });
    const rest = await scan(now + 2000, { pageSize: 50, maxPages: 10 });
    expect(rest).toMatchObject({ stopped: null, passComplete: true, cursor: "", scanned: openIds.length - 100 });
    expect(await getScanState(env.DB, config.HUBSPOT_PORTAL_ID ?? "default")).toMatchObject({ cursor: "", passScanned: 0, lastPassScanned: openIds.length });

    const calls = await portal.calls();
    expect(readIdsOf(calls).sort((a, b) => Number(a) - Number(b))).toEqual(openIds);
    // Keyset paging: each search starts after the last id done, open deals only, in id order.
    const bodies = calls.filter((c) => c.path.includes("/deals/search")).map((c) => c.body as { filterGroups: Array<{ filters: Array<{ propertyName: string; value: string }> }>; sorts: unknown[] });
    expect(bodies[0]?.filterGroups[0]?.filters).toEqual([{ propertyName: "hs_is_closed", operator: "EQ", value: "false" }]);
    expect(bodies[1]?.filterGroups[0]?.filters).toContainEqual({ propertyName: "hs_object_id", operator: "GT", value: openIds[49] });
    expect(bodies[2]?.filterGroups[0]?.filters).toContainEqual({ propertyName: "hs_object_id", operator: "GT", value: openIds[99] });
    for (const b of bodies) expect(b.sorts).toEqual([{ propertyName: "hs_object_id", direction: "ASCENDING" }]);
  }, 60_000);

  it("respects the shared rate budget: a blocked budget makes no call, a spent window stops after the page it allowed", async () => {
    const now = Date.now() + 120_000;
    await setBudget(now, { blockedUntil: now + 30_000 });
    // The previous test's searches may still fill the simulator's per-second search window: start this one clean.
    await portal.resetLimits();
    await portal.clearCalls();
    const blocked = await scan(now, { pageSize: 50, maxPages: 5 });
    expect(blocked).toMatchObject({ pages: 0, calls: 0, cursor: "" });
    expect(blocked.stopped).toMatch(/HubSpot budget: 429 TEN_SECONDLY_ROLLING/);
    expect(blocked.retryAfterSeconds).toBe(30);
    expect(await portal.calls()).toEqual([]);
    // Waiting for the budget is not a failure of the cron job.
    await expect(runRuleScan(portalEnv, config, now)).resolves.toMatchObject({ calls: 0 });

    // Room for exactly one page's reservation (3 calls for 50 deals) in this window. The scan never waits in place
    // for the window to free room (this once flaked when the scan's time fell in a window's last two seconds).
    const later = now + 60_000 - ((now + 60_000) % WINDOW_MS) + WINDOW_MS - 500;
    await setBudget(later, { used: 152 - 3 });
    const spent = await scan(later, { pageSize: 50, maxPages: 5 });
    expect(spent).toMatchObject({ pages: 1, scanned: 50, cursor: openIds[49] });
    expect(spent.stopped).toMatch(/request budget for this window spent/);
    expect(spent.retryAfterSeconds).toBeGreaterThan(0);
    expect((await portal.calls()).every((c) => c.status !== 429)).toBe(true);
    // The next window goes on from the cursor.
    const next = await scan(later + WINDOW_MS, { pageSize: 50, maxPages: 1 });
    expect(next).toMatchObject({ stopped: null, pages: 1, cursor: openIds[99] });
  }, 60_000);

  it("runs one scan at a time: a held lease makes the next run wait", async () => {
    const now = Date.now() + 300_000;
    await env.DB.prepare("UPDATE scan_state SET lease_until = ? WHERE portal_id = ?").bind(now + 60_000, config.HUBSPOT_PORTAL_ID ?? "default").run();
    await portal.clearCalls();
    expect(await scan(now)).toMatchObject({ stopped: "another scan is running", calls: 0 });
    expect(await portal.calls()).toEqual([]);
    expect(await scan(now + 61_000, { pageSize: 50, maxPages: 1 })).toMatchObject({ stopped: null, pages: 1 });
    expect(await rows("SELECT lease_until FROM scan_state")).toEqual([{ lease_until: 0 }]);
  }, 60_000);
});
