// `npm run bench:enforce -- --bulk`: bulk actions over 500 deals, as a rep's bulk edit, a bulk stage move and an
// import arrive from HubSpot — deliveries of up to 100 events, most of them for different deals. Checks that nothing
// is lost or dead-lettered (HubSpot refuses history reads over 50 inputs: the engine must read in 50s) and counts
// the HubSpot calls per 1,000 events. Prints a table and, as its LAST line, one JSON object.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SimClient, type SimPortal } from "../sim/client";
import { startSimulator } from "../sim/server";
import { freePort, startLocalWorker, type LocalWorker } from "../tools/local-worker";
import { DATABASE, localD1Args, runWrangler } from "../tools/wrangler-cli";

const DEALS = Number(process.env.BENCH_DEALS ?? 500);
/** Every fifth deal is bulk-moved past a stage: a skip the engine reverts (with a task). */
const SKIP_EVERY = 5;
const FLUSH_MS = Number(process.env.BENCH_FLUSH_MS ?? 1_000);
const CONCURRENCY = 16;
const QUIET_MS = 6_000;
const TIMEOUT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool<T>(items: T[], limit: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i];
      if (item !== undefined) await run(item, i);
    }
  }));
}

function queryD1<T>(persistDir: string, sql: string): T[] {
  const parsed = JSON.parse(runWrangler(["d1", "execute", DATABASE, ...localD1Args({ persistDir }), "--json", "--command", sql])) as Array<{ results: T[] }>;
  return parsed[0]?.results ?? [];
}

/** The bulk actions, in order: each touches many deals at once, as HubSpot's bulk edit does. */
async function playBulkActions(portal: SimPortal, ids: string[], bulk: { kind: "bulk"; ownerId: string }): Promise<{ skipped: string[] }> {
  const all = (run: (id: string, i: number) => Promise<unknown>) => pool(ids, CONCURRENCY, async (id, i) => { await run(id, i); });
  await all((id, i) => portal.updateDeal(id, { description: `bulk edit 1 of deal ${i}` }, bulk));
  await all((id) => portal.moveStage(id, "qualifiedtobuy", { as: bulk }));
  await all((id, i) => portal.updateDeal(id, { hs_next_step: `call back (${i})` }, bulk));
  const skipped = ids.filter((_, i) => i % SKIP_EVERY === 0);
  await pool(skipped, CONCURRENCY, async (id) => { await portal.moveStage(id, "decisionmakerboughtin", { as: bulk }); });
  await all((id, i) => portal.updateDeal(id, { description: `bulk edit 2 of deal ${i}` }, bulk));
  return { skipped };
}

async function waitForQuiet(portal: SimPortal, started: number): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  while (Date.now() - started < TIMEOUT_MS) {
    await sleep(1_000);
    const calls = (await portal.calls()).length;
    const s = (await portal.deliveries()).stats;
    const busy = s.gathered + s.queued + s.inFlight > 0;
    if (calls !== last || busy) {
      last = calls;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > QUIET_MS) return;
  }
}

export async function runBulkBench(): Promise<void> {
  const sim = await startSimulator({ port: 0 });
  const persistDir = mkdtempSync(path.join(tmpdir(), "bench-bulk-"));
  let worker: LocalWorker | null = null;
  try {
    const workerPort = await freePort();
    const target = `http://127.0.0.1:${workerPort}/webhooks/hubspot`;
    const portal = await new SimClient(sim.url).createPortal({ webhook: { mode: "push", url: target, enabled: false, flushMs: FLUSH_MS } });
    const seed = await portal.seed({ pipelines: "default", teams: 2, ownersPerTeam: 3, deals: 0 });
    const owner = seed.owners[0];
    if (owner === undefined) throw new Error("no owner seeded");
    process.stderr.write(`creating ${DEALS} deals (webhooks off)…\n`);
    const ids: string[] = new Array(DEALS);
    const closeDate = String(Date.now() + 60 * 86_400_000);
    await pool(Array.from({ length: DEALS }, (_, i) => i), CONCURRENCY, async (i) => {
      const o = seed.owners[i % seed.owners.length] ?? owner;
      const deal = await portal.createDeal({
        properties: { dealname: `Bulk deal ${i}`, pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: o.id, amount: String(1000 + i), closedate: closeDate, decision_maker: "CFO" },
        associations: { contacts: 1, companies: 1, line_items: 1 },
      });
      ids[i] = deal.id;
    });
    process.stderr.write("starting the Worker…\n");
    worker = await startLocalWorker({
      persistDir, port: workerPort, healthTimeoutMs: 90_000,
      vars: { ...portal.engineEnv(), POLICY_MODE_OVERRIDE: "enforce", MAX_REVERTS_PER_DEAL_PER_HOUR: "3", METADATA_TTL_SECONDS: "300", MANAGER_MAP: JSON.stringify((await portal.teams()).managerMap) },
    });
    await portal.setKnobs({ webhook: { enabled: true, mode: "push", url: target, flushMs: FLUSH_MS } });
    await portal.clearCalls();
    const started = Date.now();
    process.stderr.write("playing the bulk actions…\n");
    const { skipped } = await playBulkActions(portal, ids, { kind: "bulk", ownerId: owner.id });
    await waitForQuiet(portal, started);
    // Read from the simulator before the D1 queries below block this process (its keep-alive sockets would go stale).
    const sample = skipped.slice(0, 25);
    const stages: Array<string | null | undefined> = [];
    for (const id of sample) stages.push((await portal.getDeal(id)).properties.dealstage);
    const calls = await portal.calls();
    const deliveries = (await portal.deliveries()).deliveries;
    await worker.stop();
    worker = null;

    const first = deliveries.filter((d) => d.attemptNumber === 0);
    const events = first.reduce((n, d) => n + d.eventCount, 0);
    const inbox = queryD1<{ status: string; n: number }>(persistDir, "SELECT status, count(*) AS n FROM inbox_events GROUP BY status");
    const inboxTotal = inbox.reduce((n, r) => n + r.n, 0);
    const pending = inbox.find((r) => r.status === "pending")?.n ?? 0;
    const deadLetters = queryD1<{ n: number }>(persistDir, "SELECT count(*) AS n FROM dead_letters")[0]?.n ?? 0;
    const skipViolations = queryD1<{ n: number }>(persistDir, "SELECT count(DISTINCT deal_id) AS n FROM violations WHERE rule_id = 'no-stage-skipping'")[0]?.n ?? 0;
    const historyReads = calls.filter((c) => c.path.includes("/deals/batch/read") && ((c.body as { propertiesWithHistory?: string[] }).propertiesWithHistory ?? []).length > 0);
    const result = {
      deals: DEALS,
      events,
      deliveries: first.length,
      maxEventsPerDelivery: Math.max(0, ...first.map((d) => d.eventCount)),
      lostEvents: Math.max(0, events - inboxTotal) + pending,
      deadLetters,
      apiCallsPer1000Events: events === 0 ? 0 : Math.round((calls.length / (events / 1000)) * 10) / 10,
      http400: calls.filter((c) => c.status === 400).length,
      http429: calls.filter((c) => c.status === 429).length,
      skipsExpected: skipped.length,
      skipViolations,
    };
    const rows: Array<[string, string | number]> = [
      ["webhook deliveries (first attempts)", first.length],
      ["events delivered (incl. echoes)", events],
      ["inbox rows (by status)", inbox.map((r) => `${r.status} ${r.n}`).join(", ")],
      ["HubSpot calls", calls.length],
      ["history batch reads (max inputs)", `${historyReads.length} (${Math.max(0, ...historyReads.map((c) => (c.body as { inputs: unknown[] }).inputs.length))})`],
      ["skipped deals back in Qualified To Buy (sample)", `${stages.filter((s) => s === "qualifiedtobuy").length}/${sample.length}`],
      ["seconds", Math.round((Date.now() - started) / 100) / 10],
    ];
    const width = Math.max(...rows.map((r) => r[0].length), ...Object.keys(result).map((k) => k.length));
    console.log("\nEnforcement benchmark: bulk actions");
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(width)}  ${v}`);
    console.log(JSON.stringify(result));
  } finally {
    if (worker !== null) await worker.stop();
    await sim.close();
    rmSync(persistDir, { recursive: true, force: true });
  }
}
