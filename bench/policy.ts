// Policy benchmark (`npm run bench:policy`): the shipped policy set over a deterministic stream of 100,000 deal
// changes, and json-rules-engine over the same rules on the same stream (19 of the 20: the scan-only stale-deal rule needs a
// stage entry time the stream doesn't carry, so it never fires there); checks both reach the same verdicts.
// Prints a table; the LAST line is one JSON object. Pure CPU: no network, stops by itself.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { evaluateChange, loadPolicySet, parsePortalSchema, type CompiledPolicySet, type DealChange } from "../src/policy/index";
import { createBaselineEngine, evaluateBaseline, JRE_RULES } from "./policy-jre";
import { generateChanges, STREAM_NOW } from "./policy-stream";

const CHANGES = Number(process.env.BENCH_CHANGES ?? 100_000);
const BATCH = 100;

function loadShippedSet(): CompiledPolicySet {
  const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "policies");
  const portal = parsePortalSchema(readFileSync(path.join(dir, "portal.yaml"), "utf8"));
  if (!portal.ok) throw new Error(portal.error);
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "portal.yaml").map((f) => ({ path: `policies/${f}`, text: readFileSync(path.join(dir, f), "utf8") }));
  const set = loadPolicySet(files, portal.value);
  if (!set.ok) throw new Error(`shipped policies do not compile: ${JSON.stringify(set.error)}`);
  return set.value;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const compileStart = performance.now();
  const set = loadShippedSet();
  const compileMs = performance.now() - compileStart;
  const rules = set.policies.reduce((n, p) => n + p.rules.length, 0);
  const changes = generateChanges(CHANGES);

  // Warm up both engines (JIT) — a full pass for the policy core, which then runs in steady state — then measure.
  for (const change of changes) evaluateChange(set, change, { now: STREAM_NOW });
  const engine = createBaselineEngine();
  for (const change of changes.slice(0, 500)) await evaluateBaseline(engine, change, STREAM_NOW);

  const ours: string[][] = new Array<string[]>(changes.length);
  let violations = 0;
  const start = performance.now();
  for (let i = 0; i < changes.length; i++) {
    const result = evaluateChange(set, changes[i] as DealChange, { now: STREAM_NOW });
    violations += result.violations.length;
    ours[i] = result.violations.map((v) => v.ruleId);
  }
  const oursMs = performance.now() - start;

  const batchTimes: number[] = [];
  for (let offset = 0; offset + BATCH <= changes.length; offset += BATCH) {
    const t = performance.now();
    for (let i = offset; i < offset + BATCH; i++) evaluateChange(set, changes[i] as DealChange, { now: STREAM_NOW });
    batchTimes.push(performance.now() - t);
  }
  batchTimes.sort((a, b) => a - b);

  let mismatches = 0;
  const examples: string[] = [];
  const baseStart = performance.now();
  const theirs: string[][] = new Array<string[]>(changes.length);
  for (let i = 0; i < changes.length; i++) theirs[i] = await evaluateBaseline(engine, changes[i] as DealChange, STREAM_NOW);
  const baseMs = performance.now() - baseStart;
  for (let i = 0; i < changes.length; i++) {
    const a = [...(ours[i] ?? [])].sort().join(",");
    const b = [...(theirs[i] ?? [])].sort().join(",");
    if (a !== b) {
      mismatches++;
      if (examples.length < 5) examples.push(`#${i}: policy core [${a}] vs json-rules-engine [${b}] ${JSON.stringify(changes[i])}`);
    }
  }

  const usPerChange = (oursMs * 1000) / changes.length;
  const baselineUsPerChange = (baseMs * 1000) / changes.length;
  const batch100Ms = percentile(batchTimes, 50);
  const rows: Array<[string, string]> = [
    ["changes", String(changes.length)],
    ["rules (policy core / json-rules-engine)", `${rules} / ${JRE_RULES.length}`],
    ["compile shipped set (ms, once per isolate)", compileMs.toFixed(1)],
    ["violations found (changes with ≥1)", `${violations} (${ours.filter((v) => v.length > 0).length})`],
    ["policy core µs/change", usPerChange.toFixed(2)],
    ["json-rules-engine µs/change", baselineUsPerChange.toFixed(2)],
    ["ratio (json-rules-engine / policy core)", (baselineUsPerChange / usPerChange).toFixed(1)],
    ["100-change batch ms p50 / p90 / p99", `${batch100Ms.toFixed(3)} / ${percentile(batchTimes, 90).toFixed(3)} / ${percentile(batchTimes, 99).toFixed(3)}`],
    ["verdict mismatches", String(mismatches)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`${"metric".padEnd(width)} | value`);
  console.log(`${"-".repeat(width)}-|-${"-".repeat(24)}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)} | ${v}`);
  for (const example of examples) console.log(`mismatch ${example}`);
  console.log(JSON.stringify({
    changes: changes.length,
    rules,
    usPerChange: Number(usPerChange.toFixed(3)),
    baselineUsPerChange: Number(baselineUsPerChange.toFixed(3)),
    ratioVsJsonRulesEngine: Number((baselineUsPerChange / usPerChange).toFixed(2)),
    batch100Ms: Number(batch100Ms.toFixed(4)),
  }));
  if (mismatches > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
