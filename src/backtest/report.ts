// A back-test's hits summed up per rule: hits, deals, reps, what enforce mode would have run (reverts, tasks), by
// week, stage and rep, and the top examples with deal names. Pure.
import type { ActionType, CompiledPolicySet, Mode, Severity } from "../policy";
import type { BacktestWindow } from "./history";
import type { BacktestHit } from "./replay";

export interface RuleSummary {
  policyId: string;
  ruleId: string;
  mode: Mode;
  severity: Severity;
  hits: number;
  deals: number;
  reps: number;
  /** Hits whose rule reverts: in enforce mode each would have moved the deal back. */
  reverts: number;
  /** Tasks enforce mode would have created: one per `task` or `notify-manager` action of each hit. */
  tasks: number;
  /** Hits per week (the Monday, UTC, as YYYY-MM-DD). */
  byWeek: Record<string, number>;
  /** Hits per stage the deal stood in after the change ("" when it had none). */
  byStage: Record<string, number>;
  /** Hits per deal owner ("" when the deal had none). */
  byRep: Record<string, number>;
  /** The latest hits, one per deal. */
  examples: BacktestHit[];
}

export interface BacktestReport {
  window: BacktestWindow;
  setVersion: string;
  /** Changes replayed inside the window, and the deals they belong to. */
  changes: number;
  deals: number;
  hits: BacktestHit[];
  /** Every rule of the set, in the set's order (rules without hits included). */
  rules: RuleSummary[];
}

const DAY = 86_400_000;
const TASK_ACTIONS: readonly ActionType[] = ["task", "notify-manager"];

/** The Monday (UTC) of the week `at` falls in. */
export function weekOf(at: number): string {
  const day = Math.floor(at / DAY);
  const monday = day - ((new Date(day * DAY).getUTCDay() + 6) % 7);
  return new Date(monday * DAY).toISOString().slice(0, 10);
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** The per-rule summary of `hits` under `set`; `examples` caps each rule's examples. */
export function summarizeHits(set: CompiledPolicySet, hits: readonly BacktestHit[], counts: { window: BacktestWindow; changes: number; deals: number }, examples = 3): BacktestReport {
  const rules: RuleSummary[] = set.policies.flatMap((p) =>
    p.rules.map((r) => ({ policyId: p.id, ruleId: r.id, mode: r.mode, severity: r.severity, hits: 0, deals: 0, reps: 0, reverts: 0, tasks: 0, byWeek: {}, byStage: {}, byRep: {}, examples: [] })),
  );
  const byKey = new Map(rules.map((r) => [`${r.policyId}\u0000${r.ruleId}`, { row: r, deals: new Set<string>(), reps: new Set<string>() }]));
  for (const hit of hits) {
    const entry = byKey.get(`${hit.policyId}\u0000${hit.ruleId}`);
    if (entry === undefined) continue;
    const { row } = entry;
    row.hits++;
    entry.deals.add(hit.dealId);
    if (hit.ownerId !== null) entry.reps.add(hit.ownerId);
    if (hit.actions.includes("revert")) row.reverts++;
    row.tasks += hit.actions.filter((a) => TASK_ACTIONS.includes(a)).length;
    bump(row.byWeek, weekOf(hit.occurredAt));
    bump(row.byStage, hit.toStage ?? "");
    bump(row.byRep, hit.ownerId ?? "");
  }
  for (const { row, deals, reps } of byKey.values()) {
    row.deals = deals.size;
    row.reps = reps.size;
    row.examples = latestPerDeal(hits.filter((h) => h.policyId === row.policyId && h.ruleId === row.ruleId), examples);
  }
  return { window: counts.window, setVersion: set.version, changes: counts.changes, deals: counts.deals, hits: [...hits], rules };
}

/** The latest hits, at most one per deal, newest first. */
export function latestPerDeal(hits: readonly BacktestHit[], max: number): BacktestHit[] {
  const out: BacktestHit[] = [];
  const seen = new Set<string>();
  for (const h of [...hits].sort((a, b) => b.occurredAt - a.occurredAt || a.id.localeCompare(b.id))) {
    if (out.length >= max) break;
    if (seen.has(h.dealId)) continue;
    seen.add(h.dealId);
    out.push(h);
  }
  return out;
}
