// `npm run bench:oracle`: the engine's record of a running demo (`npm start`) against ground truth — the shipped
// policies judged by the oracle (sim/oracle/) over the simulated portal's full history. Prints a table and, as its last
// line, one JSON object: violations precision and recall, stage changes never logged, and per-rep figures that differ.
// Reads the simulator's control API and the local D1 (wrangler d1 execute); changes nothing. The demo keeps playing
// while it reads: only what happened before a settling cutoff (ORACLE_SETTLE_SECONDS ago, default 120) is compared,
// so a change the engine hasn't been handed yet isn't counted as missed.
import path from "node:path";
import { SimClient } from "../sim/client";
import { repFigures } from "../sim/oracle/figures";
import { truthDealOf } from "../sim/oracle/history";
import { judgeHistory } from "../sim/oracle/oracle";
import { requiredProperties } from "../src/policy/index";
import { getRepRecord } from "../src/store/reps-query";
import { WranglerD1 } from "../tools/ops/wrangler-d1";
import { loadShippedPolicies } from "./enforce-plan";

const simUrl = process.env.SIM_URL ?? `http://127.0.0.1:${process.env.SIM_PORT ?? "8799"}`;
const portalId = Number(process.env.SIM_PORTAL_ID ?? 62515);
const persistTo = process.env.D1_PERSIST_TO === undefined ? undefined : path.resolve(process.env.D1_PERSIST_TO);
const CLOSED = new Set(["closedwon", "closedlost"]);
const cutoff = Date.now() - Number(process.env.ORACLE_SETTLE_SECONDS ?? 120) * 1000;

/** The local D1 while `wrangler dev` writes to it: a read that finds it locked is tried again. */
class RetryingD1 extends WranglerD1 {
  override execute(sql: string[]): ReturnType<WranglerD1["execute"]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return super.execute(sql);
      } catch (e) {
        if (attempt >= 20 || !String(e).includes("SQLITE_BUSY")) throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500 * attempt);
      }
    }
  }
}

const portal = await new SimClient(simUrl).portal(portalId);
const [simDeals, owners, teams] = await Promise.all([portal.listDeals({ archived: true }), portal.owners(), portal.teams()]);
const { set, portal: schema } = loadShippedPolicies();
const names = [...requiredProperties(set), "amount", "closedate", "dealname", "dealstage", "hubspot_owner_id", "pipeline"];
const all = judgeHistory(set, schema, simDeals.map(truthDealOf), { owners, managerMap: teams.managerMap }, names);
const truth = { violations: all.violations.filter((v) => v.at < cutoff), transitions: all.transitions.filter((t) => t.at < cutoff), pushes: all.pushes.filter((p) => p.at < cutoff) };

const db = new RetryingD1({ remote: false, ...(persistTo === undefined ? {} : { persistTo }) });
const recorded = (await db.prepare("SELECT deal_id, policy_id, rule_id, occurred_at, from_stage, to_stage FROM violations WHERE occurred_at < ?").bind(cutoff).all<{ deal_id: string; policy_id: string; rule_id: string; occurred_at: number; from_stage: string | null; to_stage: string | null }>()).results;
const logged = (await db.prepare("SELECT deal_id, occurred_at, from_stage, to_stage FROM stage_transitions WHERE occurred_at < ?").bind(cutoff).all<{ deal_id: string; occurred_at: number; from_stage: string | null; to_stage: string }>()).results;

const vKey = (deal: string, policy: string, rule: string, at: number, to: string | null) => `${deal} ${policy} ${rule} ${at} ${to ?? "-"}`;
const want = new Map(truth.violations.map((v) => [vKey(v.dealId, v.policyId, v.ruleId, v.at, v.toStage), v]));
const got = new Map(recorded.map((r) => [vKey(r.deal_id, r.policy_id, r.rule_id, r.occurred_at, r.to_stage), r]));
const right = [...got.keys()].filter((k) => want.has(k));
const wrong = [...got.keys()].filter((k) => !want.has(k));
const missed = [...want.keys()].filter((k) => !got.has(k));
const tKey = (deal: string, at: number, from: string | null, to: string) => `${deal} ${at} ${from ?? "-"} ${to}`;
const loggedKeys = new Set(logged.map((t) => tKey(t.deal_id, t.occurred_at, t.from_stage, t.to_stage)));
const neverLogged = truth.transitions.filter((t) => !loggedKeys.has(tKey(t.dealId, t.at, t.fromStage, t.toStage)));

// Per rep, over everything so far: compliance counts, conversion per stage, pushes — engine (SQL) vs oracle.
const to = cutoff;
const figures = repFigures(truth, 0, to);
const differing: string[] = [];
// ORACLE_FIGURES=0 skips them: each rep costs a dozen wrangler calls, minutes on a loaded machine.
for (const [ownerId, w] of process.env.ORACLE_FIGURES === "0" ? [] : figures) {
  if (ownerId === "") continue;
  const g = await getRepRecord(db.asD1(), { ownerId, teams: null, from: 0, to });
  const gotStages = g.stages.filter((s) => s.dealsEntered > 0).map((s) => `${s.stage}:${s.dealsEntered}:${s.conversionToNext?.toFixed(4) ?? "-"}`).sort();
  const wantStages = [...w.stages].map(([stage, s]) => `${stage}:${s.entered}:${CLOSED.has(stage) ? "-" : (s.converted / s.entered).toFixed(4)}`).sort();
  const same = g.stageChanges.total === w.changes && g.stageChanges.compliant === w.compliant && g.stageChanges.creations === w.creations && g.closeDatePushes.count === w.pushes && JSON.stringify(gotStages) === JSON.stringify(wantStages);
  if (!same) differing.push(`${ownerId}: engine ${g.stageChanges.compliant}/${g.stageChanges.total} moves, ${g.stageChanges.creations} creations, ${g.closeDatePushes.count} pushes, [${gotStages.join(" ")}]; oracle ${w.compliant}/${w.changes}, ${w.creations}, ${w.pushes}, [${wantStages.join(" ")}]`);
}

const pct = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 100);
const rows: Array<[string, string | number | null]> = [
  ["deals (incl. merged/deleted)", simDeals.length],
  ["stage changes (oracle)", truth.transitions.length],
  ["true violations (oracle)", want.size],
  ["recorded violations", got.size],
  ["  right", right.length],
  ["  wrong", wrong.length],
  ["  missed", missed.length],
  ["precision %", pct(right.length, got.size)],
  ["recall %", pct(right.length, want.size)],
  ["stage changes never logged", neverLogged.length],
  ["reps whose figures differ", `${differing.length} of ${[...figures.keys()].filter((k) => k !== "").length}`],
];
for (const [label, value] of rows) console.log(`${label.padEnd(32)} ${value ?? "-"}`);
for (const k of wrong.slice(0, Number(process.env.ORACLE_SHOW ?? 20))) console.log(`wrong:  ${k}`);
for (const k of missed.slice(0, Number(process.env.ORACLE_SHOW ?? 20))) console.log(`missed: ${k}`);
for (const t of neverLogged.slice(0, 20)) console.log(`never logged: ${tKey(t.dealId, t.at, t.fromStage, t.toStage)}`);
for (const d of differing) console.log(`figures: ${d}`);
console.log(JSON.stringify({
  deals: simDeals.length, stageChanges: truth.transitions.length, trueViolations: want.size, recorded: got.size, right: right.length,
  wrong: wrong.length, missed: missed.length, precision: pct(right.length, got.size), recall: pct(right.length, want.size),
  neverLogged: neverLogged.length, repsWithDifferentFigures: differing.length,
}));
