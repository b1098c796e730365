// Enforcement benchmark (`npm run bench:enforce`): starts the HubSpot simulator (in process) and the Worker
// (`wrangler dev` on a free 127.0.0.1 port, local D1 in a temp dir, vars pointing at the simulator, shipped policies
// switched to enforce with POLICY_MODE_OVERRIDE=enforce), replays a burst of 10,000 deal changes over 2,000 deals
// (20% of the deals violate once: half skip a stage, half enter Presentation Scheduled without an amount — see
// enforce-plan.ts), waits for the queue to drain, checks the outcome against what the burst
// must produce, prints a table, and as its LAST line one JSON object.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runBulkBench } from "./enforce-bulk";
import { expectOutcome, planChanges, seedDeal, CHANGES_PER_DEAL, type DealSeed } from "./enforce-plan";
import { SimClient, type CallRecord, type SimPortal } from "../sim/client";
import { startSimulator } from "../sim/server";
import { freePort, startLocalWorker, type LocalWorker } from "../tools/local-worker";
import { DATABASE, localD1Args, runWrangler } from "../tools/wrangler-cli";

const DEALS = Number(process.env.BENCH_DEALS ?? 2000);
const CONCURRENCY = 16;
const DRAIN_QUIET_MS = 6_000;
// How long the simulator gathers events into one delivery (HubSpot fills batches of up to 100 during a burst).
const FLUSH_MS = Number(process.env.BENCH_FLUSH_MS ?? 250);
const DRAIN_TIMEOUT_MS = 15 * 60_000;
// Each round of the burst (one change per deal) takes at least this long; 0 = as fast as the simulator takes them.
// At full speed the burst needs more calls per 10 s than HubSpot's limit allows (see docs/enforcement.md): a paced
// run shows the engine's own latency, a full-speed one how it queues behind the rate budget.
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 0);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await run(item);
      }
    }),
  );
}

function queryD1<T>(persistDir: string, sql: string): T[] {
  const stdout = runWrangler(["d1", "execute", DATABASE, ...localD1Args({ persistDir }), "--json", "--command", sql]);
  const parsed = JSON.parse(stdout) as Array<{ results: T[] }>;
  return parsed[0]?.results ?? [];
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function createDeals(portal: SimPortal, ownerIds: string[]): Promise<{ ids: string[]; seeds: DealSeed[] }> {
  const ids: string[] = new Array(DEALS);
  const seeds: DealSeed[] = new Array(DEALS);
  const closeDate = Date.now() + 60 * 86_400_000;
  await pool(Array.from({ length: DEALS }, (_, i) => i), CONCURRENCY, async (i) => {
    seeds[i] = seedDeal(i, ownerIds[i % ownerIds.length] ?? "", closeDate);
    const deal = await portal.createDeal(seeds[i]);
    ids[i] = deal.id;
  });
  return { ids, seeds };
}

async function main(): Promise<void> {
  const sim = await startSimulator({ port: 0 });
  const persistDir = mkdtempSync(path.join(tmpdir(), "bench-enforce-"));
  let worker: LocalWorker | null = null;
  try {
    const client = new SimClient(sim.url);
    const workerPort = await freePort();
    const workerUrl = `http://127.0.0.1:${workerPort}`;
    const portal = await client.createPortal({ webhook: { mode: "push", url: `${workerUrl}/webhooks/hubspot`, enabled: false, flushMs: FLUSH_MS } });
    const seed = await portal.seed({ pipelines: "default", teams: 4, ownersPerTeam: 5, deals: 0 });
    // HubSpot subscriptions name properties: subscribe to every deal property the portal has now, as an admin
    // ticking them all would. The governance_* properties the engine creates later are not among them.
    await portal.setKnobs({ webhook: { subscribedProperties: await writableDealProperties(sim.url, portal.info.accessToken) } });
    const { managerMap } = await portal.teams();
    const owners = seed.owners.map((o) => o);
    const ownerIds = owners.map((o) => o.id);
    const userOf = new Map(owners.map((o) => [o.id, o.userId]));
    process.stderr.write(`creating ${DEALS} deals (webhooks off)…\n`);
    const { ids: dealIds, seeds } = await createDeals(portal, ownerIds);
    const ownerOfDeal = new Map(dealIds.map((id, i) => [id, ownerIds[i % ownerIds.length] ?? ""]));
    const rounds = planChanges(dealIds);
    // What the burst must produce, from evaluating every planned change with the shipped policies (fails fast if the
    // plan is wrong, before the Worker starts).
    const expected = expectOutcome(
      rounds,
      new Map(dealIds.map((id, i) => { const ownerId = ownerOfDeal.get(id) ?? ""; return [id, { ...(seeds[i] ?? seedDeal(i, ownerId, 0)), ownerId, userId: userOf.get(ownerId) }]; })),
      Date.now(),
    );

    process.stderr.write("starting the Worker…\n");
    worker = await startLocalWorker({
      persistDir,
      port: workerPort,
      healthTimeoutMs: 90_000,
      vars: {
        ...portal.engineEnv(),
        POLICY_MODE_OVERRIDE: "enforce",
        MANAGER_MAP: JSON.stringify(managerMap),
        MAX_REVERTS_PER_DEAL_PER_HOUR: "3",
        METADATA_TTL_SECONDS: "300",
      },
    });
    // A knobs patch re-applies the webhook defaults (outbox mode): restate mode and target.
    await portal.setKnobs({ webhook: { enabled: true, mode: "push", url: `${workerUrl}/webhooks/hubspot`, flushMs: FLUSH_MS } });
    await portal.clearCalls();

    const violationAt = new Map<string, number>();
    const violationRound = new Map<string, number>();
    const started = Date.now();
    process.stderr.write(`replaying ${DEALS * CHANGES_PER_DEAL} changes…\n`);
    for (const [roundIndex, round] of rounds.entries()) {
      const roundStarted = Date.now();
      let taken = 0;
      await pool(round, CONCURRENCY, async (c) => {
        // Paced: the round's changes spread evenly over ROUND_MS.
        const due = roundStarted + ((taken++) / round.length) * ROUND_MS;
        if (due > Date.now()) await sleep(due - Date.now());
        const ownerId = ownerOfDeal.get(c.dealId) ?? "";
        const as = { kind: "user" as const, userId: userOf.get(ownerId), ownerId };
        if (c.kind === "move" && c.stage !== undefined) {
          if (c.violating) {
            violationAt.set(c.dealId, Date.now());
            violationRound.set(c.dealId, roundIndex + 1);
          }
          await portal.moveStage(c.dealId, c.stage, { as });
        } else if (c.property !== undefined) {
          await portal.updateDeal(c.dealId, { [c.property]: c.value ?? "" }, as);
        }
      });
    }
    const replayedAt = Date.now();

    process.stderr.write("waiting for the queue to drain…\n");
    let lastCount = -1;
    let lastChange = Date.now();
    let calls: CallRecord[] = [];
    while (Date.now() - started < DRAIN_TIMEOUT_MS) {
      await sleep(1_000);
      calls = await portal.calls();
      const stats = (await portal.deliveries()).stats;
      const busy = stats.gathered + stats.queued + stats.inFlight > 0;
      if ((Date.now() - started) % 5_000 < 1_000) {
        process.stderr.write(`  calls ${calls.length}, webhooks gathered ${stats.gathered} queued ${stats.queued} in flight ${stats.inFlight}\n`);
      }
      if (calls.length !== lastCount || busy) {
        lastCount = calls.length;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > DRAIN_QUIET_MS) {
        // Quiet isn't drained: messages the engine deferred (its rate budget spent) come back after their delay.
        const pending = queryD1<{ n: number }>(persistDir, "SELECT count(*) AS n FROM inbox_events WHERE status = 'pending'")[0]?.n ?? 0;
        if (pending === 0) break;
        process.stderr.write(`  ${pending} events still pending (deferred by the engine's rate budget)…\n`);
        lastChange = Date.now();
      }
    }
    const lastCallAt = Math.max(replayedAt, ...calls.map((c) => c.at));
    const drainSeconds = (lastCallAt - started) / 1000;
    const deliveries = (await portal.deliveries()).deliveries;
    await worker.stop();
    worker = null;

    // What HubSpot saw.
    const firstDeliveries = deliveries.filter((d) => d.attemptNumber === 0);
    const eventsDelivered = firstDeliveries.reduce((n, d) => n + d.eventCount, 0);
    const tasks = await portal.listTasks();
    const perDeal = new Map<string, number>();
    for (const t of tasks) for (const d of t.dealIds) perDeal.set(d, (perDeal.get(d) ?? 0) + 1);
    const duplicateTasks = [...perDeal.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    const violatingDeals = [...violationAt.keys()];
    const taskAt = new Map<string, number>();
    for (const c of calls) {
      if (c.method !== "POST" || !c.path.includes("/objects/tasks") || c.status >= 300) continue;
      const body = c.body as { inputs?: Array<{ associations?: Array<{ to: { id: string } }> }>; associations?: Array<{ to: { id: string } }> };
      const inputs = body.inputs ?? [body];
      for (const input of inputs) for (const a of input.associations ?? []) if (!taskAt.has(a.to.id)) taskAt.set(a.to.id, c.at + c.durationMs);
    }
    // Webhook → task, per violating deal: from just before the bench asks the simulator to make the violating
    // change (so it includes the simulator gathering events for FLUSH_MS, the signed delivery, the ingress, the
    // queue and the whole enforcement run) to the moment HubSpot answered the batch create carrying the deal's task.
    const latencyOf = (ids: string[]) => ids.flatMap((id) => {
      const at = taskAt.get(id);
      const moved = violationAt.get(id);
      return at === undefined || moved === undefined ? [] : [at - moved];
    });
    const latencies = latencyOf(violatingDeals);
    // A reverted skip's task waits for HubSpot's answer to the revert (its text says where the deal went back to).
    const revertLatencies = latencyOf(violatingDeals.filter((id) => expected.reverted.has(id)));
    const taskOnlyLatencies = latencyOf(violatingDeals.filter((id) => !expected.reverted.has(id)));
    // Where that time goes: until the engine's batch read of the deal starts (gathering, delivery, ingress, queue
    // wait), and from there to the task (the rest of the run: evaluation, D1 writes, reverts, the task create).
    const readAt = new Map<string, number[]>();
    for (const c of calls) {
      if (c.method !== "POST" || !c.path.includes("/deals/batch/read") || c.status >= 300) continue;
      for (const input of (c.body as { inputs?: Array<{ id: string }> }).inputs ?? []) readAt.set(input.id, [...(readAt.get(input.id) ?? []), c.at]);
    }
    const toRead: number[] = [];
    const readToTask: number[] = [];
    for (const id of violatingDeals) {
      const moved = violationAt.get(id);
      const task = taskAt.get(id);
      const read = (readAt.get(id) ?? []).find((t) => moved !== undefined && t >= moved && (task === undefined || t <= task));
      if (moved === undefined || task === undefined || read === undefined) continue;
      toRead.push(read - moved);
      readToTask.push(task - read);
    }
    // A sample of violating deals, checked against the stage the model says they end in: reverted (stage skips) back
    // where they were, task-only violations (missing entry criteria) left where the rep put them.
    const revertSample = violatingDeals.filter((id) => expected.reverted.has(id)).slice(0, 25);
    const keptSample = violatingDeals.filter((id) => !expected.reverted.has(id)).slice(0, 25);
    const sample = [...revertSample, ...keptSample];
    const sampleStages = new Map((await Promise.all(sample.map((id) => portal.getDeal(id)))).map((d) => [d.id, d.properties.dealstage]));
    const inExpectedStage = (id: string) => sampleStages.get(id) === expected.finalStage.get(id);
    const reverted = revertSample.filter(inExpectedStage).length;
    const kept = keptSample.filter(inExpectedStage).length;
    const expectedByRule = new Map<string, number>();
    for (const v of expected.violations) expectedByRule.set(v.ruleId, (expectedByRule.get(v.ruleId) ?? 0) + 1);

    // What the engine recorded.
    const violations = queryD1<{ rule_id: string; n: number }>(persistDir, "SELECT rule_id, count(*) AS n FROM violations GROUP BY rule_id");
    const inbox = queryD1<{ status: string; n: number }>(persistDir, "SELECT status, count(*) AS n FROM inbox_events GROUP BY status");
    const inboxTotal = inbox.reduce((n, r) => n + r.n, 0);
    const pending = inbox.find((r) => r.status === "pending")?.n ?? 0;
    const deadLetters = queryD1<{ n: number }>(persistDir, "SELECT count(*) AS n FROM dead_letters")[0]?.n ?? 0;
    const transitions = queryD1<{ n: number }>(persistDir, "SELECT count(*) AS n FROM stage_transitions")[0]?.n ?? 0;
    const violationsRecorded = violations.reduce((n, r) => n + r.n, 0);
    const burstEvents = DEALS * CHANGES_PER_DEAL;

    const result = {
      events: burstEvents,
      deals: DEALS,
      apiCallsPer1000Events: Math.round((calls.length / (burstEvents / 1000)) * 10) / 10,
      violationsExpected: expected.violations.length,
      violationsRecorded,
      tasksExpected: expected.tasks,
      tasksCreated: tasks.length,
      duplicateTasks,
      lostEvents: Math.max(0, eventsDelivered - inboxTotal) + pending,
      http429: calls.filter((c) => c.status === 429).length,
      p50WebhookToTaskMs: Math.round(percentile(latencies, 50)),
      p95WebhookToTaskMs: Math.round(percentile(latencies, 95)),
      drainSeconds: Math.round(drainSeconds * 10) / 10,
    };
    const byKind = new Map<string, number>();
    for (const c of calls) {
      const key = `${c.method} ${c.path.replace(/\?.*$/, "").replace(/\/\d+(?=\/|$)/g, "/{id}")}`;
      byKind.set(key, (byKind.get(key) ?? 0) + 1);
    }
    const rows: Array<[string, string | number]> = [
      ["burst changes (control API)", burstEvents],
      ["webhook events delivered (incl. echoes)", eventsDelivered],
      ["inbox rows (by status)", inbox.map((r) => `${r.status} ${r.n}`).join(", ")],
      ["dead letters", deadLetters],
      ["stage transitions recorded", transitions],
      ["violations expected by rule", [...expectedByRule].sort().map(([rule, n]) => `${rule} ${n}`).join(", ") || "none"],
      ["violations by rule", violations.map((r) => `${r.rule_id} ${r.n}`).join(", ") || "none"],
      ["violating deals reverted (sample)", `${reverted}/${revertSample.length}`],
      ["task-only violating deals left in place (sample)", `${kept}/${keptSample.length}`],
      ["HubSpot calls", calls.length],
      ...[...byKind.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]): [string, number] => [`  ${k}`, n]),
      ["HubSpot 5xx", calls.filter((c) => c.status >= 500).length],
      ["replay seconds", Math.round((replayedAt - started) / 100) / 10],
      ["webhook deliveries (first attempts)", firstDeliveries.length],
      ["simulator flushMs", FLUSH_MS],
      ["pacing: each round at least (ms, BENCH_ROUND_MS)", ROUND_MS],
      ["change → engine reads the deal p50/p95 ms", `${Math.round(percentile(toRead, 50))} / ${Math.round(percentile(toRead, 95))}`],
      ["engine reads the deal → task p50/p95 ms", `${Math.round(percentile(readToTask, 50))} / ${Math.round(percentile(readToTask, 95))}`],
      ["webhook → task p50/p95 ms, reverted skips", `${Math.round(percentile(revertLatencies, 50))} / ${Math.round(percentile(revertLatencies, 95))}`],
      ["webhook → task p50/p95 ms, task-only violations", `${Math.round(percentile(taskOnlyLatencies, 50))} / ${Math.round(percentile(taskOnlyLatencies, 95))}`],
      ...rounds.map((_, k): [string, string] => {
        const ofRound = latencyOf(violatingDeals.filter((id) => violationRound.get(id) === k + 1));
        return [`webhook → task p50/p95 ms, violations of round ${k + 1} (n)`, `${Math.round(percentile(ofRound, 50))} / ${Math.round(percentile(ofRound, 95))} (${ofRound.length})`];
      }),
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log("\nEnforcement benchmark");
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(width)}  ${v}`);
    console.log(JSON.stringify(result));
  } finally {
    if (worker !== null) await worker.stop();
    await sim.close();
    rmSync(persistDir, { recursive: true, force: true });
  }
}

(process.argv.includes("--bulk") ? runBulkBench() : main()).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

async function writableDealProperties(simUrl: string, token: string): Promise<string[]> {
  const res = await fetch(`${simUrl}/crm/v3/properties/deals`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { results: Array<{ name: string; modificationMetadata: { readOnlyValue: boolean } }> };
  return body.results.filter((p) => !p.modificationMetadata.readOnlyValue).map((p) => p.name);
}
