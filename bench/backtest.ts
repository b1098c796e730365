// Back-test benchmark (`npm run bench:backtest`): 100,000 recorded changes (judged_changes rows, decoded like the CLI
// does) replayed through 21 rules — the shipped 20 and a draft one — by the back-test core, then the same history
// with --against (draft and shipped sets, and their difference). Prints a table; the LAST line is one JSON object with
// changes, rules, seconds and changesPerSec. Pure CPU: no network, stops by itself.
import { loadavg } from "node:os";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { historyFromRecorded, runBacktest } from "../src/backtest/index";
import { portalMetadataOf } from "../src/enforcement/portal-metadata";
import { loadPolicySet, parsePortalSchema, type CompiledPolicySet, type PolicyFile, type PortalSchema } from "../src/policy/index";
import { generateRecordedHistory, HISTORY_END, HISTORY_START } from "./backtest-history";

const CHANGES = Number(process.env.BENCH_CHANGES ?? 100_000);
const DRAFT_RULE: PolicyFile = {
  path: "policies/draft.yaml",
  text: "apiVersion: governance/v1\nkind: DealPolicy\nid: draft\nmode: audit\nrules:\n  - id: next-step-before-presentation\n    on: { stageEntered: [Presentation Scheduled, Decision Maker Bought-In, Contract Sent] }\n    require: [hs_next_step]\n    actions: [task]\n",
};

function shipped(): { files: PolicyFile[]; portal: PortalSchema } {
  const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "policies");
  const portal = parsePortalSchema(readFileSync(path.join(dir, "portal.yaml"), "utf8"));
  if (!portal.ok) throw new Error(portal.error);
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "portal.yaml").sort().map((f) => ({ path: `policies/${f}`, text: readFileSync(path.join(dir, f), "utf8") }));
  return { files, portal: portal.value };
}

function compile(files: PolicyFile[], portal: PortalSchema): CompiledPolicySet {
  const set = loadPolicySet(files, portal);
  if (!set.ok) throw new Error(`policies do not compile: ${JSON.stringify(set.error.slice(0, 3))}`);
  return set.value;
}

function main(): void {
  const { files, portal } = shipped();
  const live = compile(files, portal);
  const draft = compile([...files, DRAFT_RULE], portal);
  const rules = draft.policies.reduce((n, p) => n + p.rules.length, 0);
  const metadata = portalMetadataOf(portal, [], {}, HISTORY_END);
  const window = { from: HISTORY_START, to: HISTORY_END + 365 * 86_400_000 };
  const rows = generateRecordedHistory(CHANGES);
  const load = loadavg().map((x) => x.toFixed(2)).join(" ");

  // Warm-up on a slice (JIT), then the measured runs from the rows, decode included.
  const warm = historyFromRecorded({ changes: rows.slice(0, 5_000), reverts: [] });
  if (warm.ok) runBacktest({ history: warm.value, window, draft, against: null, metadata });

  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const c0 = cpu();
  const t0 = performance.now();
  const history = historyFromRecorded({ changes: rows, reverts: [] });
  if (!history.ok) throw new Error(history.error);
  const t1 = performance.now();
  const result = runBacktest({ history: history.value, window, draft, against: null, metadata });
  const t2 = performance.now();
  const cpuSeconds = cpu() - c0;
  const compared = runBacktest({ history: history.value, window, draft, against: live, metadata });
  const t3 = performance.now();

  const seconds = (t2 - t0) / 1000;
  const added = compared.diff?.find((d) => d.ruleId === "next-step-before-presentation");
  const table = [
    ["changes replayed", String(result.draft.changes)],
    ["deals", String(result.draft.deals)],
    ["rules (shipped 20 + 1 draft)", String(rules)],
    ["hits", String(result.draft.hits.length)],
    ["decode rows (s)", ((t1 - t0) / 1000).toFixed(2)],
    ["replay + summary (s)", ((t2 - t1) / 1000).toFixed(2)],
    ["back-test total (s)", seconds.toFixed(2)],
    ["changes / s", Math.round(result.draft.changes / seconds).toLocaleString("en-US")],
    ["back-test CPU time (s)", cpuSeconds.toFixed(2)],
    ["--against run: both sets + diff (s)", ((t3 - t2) / 1000).toFixed(2)],
    ["  draft rule's new hits", String(added?.newHits ?? 0)],
    ["load average (1/5/15 min)", load],
  ];
  const width = Math.max(...table.map(([k]) => (k ?? "").length));
  for (const [k, v] of table) console.log(`${(k ?? "").padEnd(width)}  ${v ?? ""}`);
  console.log(JSON.stringify({ changes: result.draft.changes, rules, seconds: Number(seconds.toFixed(3)), changesPerSec: Math.round(result.draft.changes / seconds), hits: result.draft.hits.length, cpuSeconds: Number(cpuSeconds.toFixed(3)), againstSeconds: Number(((t3 - t2) / 1000).toFixed(3)), loadAverage: load }));
}

main();
