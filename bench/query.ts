// Query benchmark (`npm run bench:query`): seeds 1,000,000 violations (+2,000,000 stage transitions) into a
// local D1 (Miniflare's SQLite-backed D1, temp dir), then runs the shipped store queries many times inside workerd.
// Prints a table; the LAST line is one JSON object: { violations, queries: { name: p95 ms }, maxP95Ms }.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { applyMigrations, seedTransitions, seedViolations } from "./query-seed";

const VIOLATIONS = Number(process.env.BENCH_VIOLATIONS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const WARMUP = 3;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "dg-bench-query-"));
  const bundle = await build({
    entryPoints: [path.join(root, "bench", "query-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2026-04-20",
    d1Databases: { DB: "bench-db" },
    d1Persist: dir,
    host: "127.0.0.1",
    port: 0,
  });
  try {
    const db = await mf.getD1Database("DB");
    await applyMigrations(db, path.join(root, "migrations"));
    const now = Date.now();
    let t = performance.now();
    await seedViolations(db, VIOLATIONS, now);
    const seedV = (performance.now() - t) / 1000;
    t = performance.now();
    await seedTransitions(db, VIOLATIONS * 2, now);
    const seedT = (performance.now() - t) / 1000;
    console.log(`seeded ${VIOLATIONS.toLocaleString("en-US")} violations in ${seedV.toFixed(1)} s and ${(VIOLATIONS * 2).toLocaleString("en-US")} transitions in ${seedT.toFixed(1)} s`);
    const results: Array<{ name: string; p50: number; p95: number; max: number }> = [];
    const ask = async (payload: Record<string, unknown>) => (await mf.dispatchFetch("http://bench/", { method: "POST", body: JSON.stringify({ now, runs: RUNS, warmup: WARMUP, ...payload }) })).json();
    const { names } = (await ask({})) as { names: string[] };
    for (const name of names) {
      const { times } = (await ask({ name })) as { times: number[] };
      times.sort((a, b) => a - b);
      results.push({ name, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1] ?? 0 });
    }
    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(`\n${pad("query", 28)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"max ms".padStart(9)}`);
    for (const r of results) console.log(`${pad(r.name, 28)}${r.p50.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(9)}${r.max.toFixed(1).padStart(9)}`);
    const queriesP95 = Object.fromEntries(results.map((r) => [r.name, Math.round(r.p95 * 10) / 10]));
    const maxP95Ms = Math.max(...results.map((r) => r.p95));
    console.log(`\n${RUNS} runs each after ${WARMUP} warm-ups, timed inside workerd next to Miniflare's SQLite-backed D1. Target: every p95 < 100 ms.`);
    console.log(JSON.stringify({ violations: VIOLATIONS, queries: queriesP95, maxP95Ms: Math.round(maxP95Ms * 10) / 10 }));
  } finally {
    await mf.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
