// Ingress benchmark (`npm run bench:ingress`): starts the Worker with `wrangler dev` on a free 127.0.0.1 port
// (local D1 with migrations in a temp dir, queue consumer running), then drives it from this process with
// v3-signed 100-event batches at rising target rates. Prints a table; the LAST line is one JSON object.
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalWorker, type LocalWorker } from "../tools/local-worker";
import { projectRoot as root } from "../tools/wrangler-cli";

const SECRET = "bench-client-secret";
// `--smoke`: one short step at a low rate — proves the benchmark runs end to end from a clean checkout (CI's
// fresh-clone check), measures nothing worth reporting. Exits non-zero when any batch failed.
const smoke = process.argv.includes("--smoke");
const RATES = smoke ? [10] : [10, 25, 50, 100]; // target batches per second
const STEP_MS = smoke ? 2_000 : 10_000;
const EVENTS_PER_BATCH = 100;
const MAX_IN_FLIGHT = 500; // bounds memory if the Worker falls far behind
const REQUEST_TIMEOUT_MS = 5_000; // HubSpot gives up after 5 s
const REPORTED_RATE = smoke ? 10 : 50;
// `npm run bench:ingress -- --ingress-only`: the same Worker without its queue consumer, i.e. the acknowledgement
// path alone (in production the consumer runs in its own invocations; locally it shares the Worker's thread).
const ingressOnly = process.argv.includes("--ingress-only");
// BENCH_RATES=10,50 picks other steps (diagnostics).
const rates = process.env.BENCH_RATES ? process.env.BENCH_RATES.split(",").map(Number) : RATES;

/** wrangler.toml without [[queues.consumers]], written beside the temp D1 state. */
function writeIngressOnlyConfig(dir: string): string {
  const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8")
    .replace(/\[\[queues\.consumers\]\][^[]*/g, "")
    .replace(/^main = .*$/m, `main = ${JSON.stringify(path.join(root, "src/index.ts"))}`)
    .replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(path.join(root, "migrations"))}`);
  const file = path.join(dir, "wrangler.ingress-only.toml");
  writeFileSync(file, toml);
  return file;
}

interface StepResult {
  rate: number;
  sent: number;
  ok: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

// The events' portal (62515) differs from HUBSPOT_PORTAL_ID: the consumer verifies, hashes and stores every
// event in the inbox (as "ignored") but never starts enforcement, which would call HubSpot (bench:enforce covers it).
const WORKER_VARS = { HUBSPOT_CLIENT_SECRET: SECRET, HUBSPOT_ACCESS_TOKEN: "bench-token", HUBSPOT_APP_ID: "9393361", HUBSPOT_PORTAL_ID: "1" };

let eventSeq = 0;
function batchBody(): string {
  const now = Date.now();
  const events = Array.from({ length: EVENTS_PER_BATCH }, () => {
    eventSeq++;
    return {
      eventId: eventSeq,
      subscriptionId: 200,
      portalId: 62515,
      appId: 9393361,
      occurredAt: now,
      subscriptionType: "deal.propertyChange",
      attemptNumber: 0,
      objectId: 1000 + (eventSeq % 5000),
      propertyName: "dealstage",
      propertyValue: "qualifiedtobuy",
      changeSource: "CRM_UI",
      sourceId: "userId:123",
    };
  });
  return JSON.stringify(events);
}

async function sendBatch(url: string): Promise<{ ok: boolean; ms: number }> {
  const body = batchBody();
  const timestamp = String(Date.now());
  const signature = createHmac("sha256", SECRET).update(`POST${url}${body}${timestamp}`).digest("base64");
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-hubspot-signature-v3": signature, "x-hubspot-request-timestamp": timestamp },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return { ok: res.status === 200, ms: performance.now() - started };
  } catch {
    return { ok: false, ms: performance.now() - started };
  }
}

/** Open loop: one batch every 1000/rate ms for STEP_MS, whatever the responses do (bounded by MAX_IN_FLIGHT). */
async function runStep(url: string, rate: number): Promise<StepResult> {
  const result: StepResult = { rate, sent: 0, ok: 0, errors: 0, seconds: 0, latencies: [] };
  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / rate;
  const start = performance.now();
  for (let i = 0; performance.now() - start < STEP_MS; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (inFlight.size >= MAX_IN_FLIGHT) {
      result.errors++; // counted as an error: the Worker is too far behind to keep up
      continue;
    }
    result.sent++;
    const p: Promise<void> = sendBatch(url).then(({ ok, ms }) => {
      if (ok) {
        result.ok++;
        result.latencies.push(ms);
      } else {
        result.errors++;
      }
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  result.seconds = (performance.now() - start) / 1000;
  return result;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function summarise(r: StepResult) {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const batchesPerSec = r.ok / r.seconds;
  return {
    batchesPerSec: round(batchesPerSec),
    eventsPerSec: round(batchesPerSec * EVENTS_PER_BATCH),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    errors: r.errors,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  // Local D1 is SQLite on the Worker's own thread: on a RAM disk its commits don't wait for the (shared, slow)
  // VM disk, which would measure the disk, not the Worker. Falls back to the OS temp dir.
  const persistDir = mkdtempSync(path.join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "bench-ingress-"));
  // Exiting takes the detached wrangler along (local-worker's exit hook); without this, Ctrl-C would skip it.
  process.once("SIGINT", () => process.exit(130));
  const configPath = ingressOnly ? writeIngressOnlyConfig(persistDir) : undefined;
  let worker: LocalWorker | undefined;
  try {
    worker = await startLocalWorker({ persistDir, configPath, vars: WORKER_VARS, healthTimeoutMs: 60_000 });
    const base = worker.url;
    const url = `${base}/webhooks/hubspot`;
    await runStep(url, 5).then(() => undefined); // warm-up (JIT, D1 file, HMAC key), not reported
    const rows: Array<{ rate: number; summary: ReturnType<typeof summarise> }> = [];
    for (const rate of rates) rows.push({ rate, summary: summarise(await runStep(url, rate)) });

    console.log(`ingress benchmark: ${EVENTS_PER_BATCH}-event v3-signed batches, ${STEP_MS / 1000} s per step, wrangler dev (local) on ${base}`);
    console.log(
      ingressOnly
        ? "(--ingress-only: no queue consumer; messages accumulate in the local queue)"
        : "(the queue consumer runs in the same local workerd thread, storing every event in the inbox; enforcement not exercised)",
    );
    console.log("target b/s | batches/s | events/s | p50 ms | p99 ms | errors | reported");
    console.log("-----------|-----------|----------|--------|--------|--------|---------");
    for (const { rate, summary: s } of rows) {
      const mark = rate === REPORTED_RATE ? "  <- JSON" : "";
      console.log(
        `${String(rate).padStart(10)} | ${String(s.batchesPerSec).padStart(9)} | ${String(s.eventsPerSec).padStart(8)} | ${String(s.p50Ms).padStart(6)} | ${String(s.p99Ms).padStart(6)} | ${String(s.errors).padStart(6)} |${mark}`,
      );
    }
    const reported = rows.find((r) => r.rate === REPORTED_RATE)?.summary ?? summarise({ rate: 0, sent: 0, ok: 0, errors: 0, seconds: 1, latencies: [] });
    if (smoke) {
      console.log(`smoke run (--smoke): ${reported.errors === 0 && reported.batchesPerSec > 0 ? "every batch acknowledged" : "FAILED: some batches were not acknowledged"}; not a measurement`);
      if (reported.errors > 0 || reported.batchesPerSec === 0) process.exitCode = 1;
    } else {
      console.log(`target: p99 < 50 ms at ${REPORTED_RATE} batches/s with 0 errors → ${reported.p99Ms < 50 && reported.errors === 0 ? "met" : "NOT met"}`);
    }
    console.log(JSON.stringify(reported));
  } finally {
    await worker?.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
