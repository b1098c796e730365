// A back-test for people: one table per set of rules (hits, deals, reps, reverts and tasks enforce would have made),
// the latest examples with deal names, and the difference against the set compared with. Node-only formatting.
import { associationKindWords } from "../../src/policy/index";
import { weekOf, type BacktestHit, type BacktestResult, type RuleDiff, type RuleSummary } from "../../src/backtest/index";
import type { PortalMetadata } from "../../src/enforcement/portal-metadata";

export interface RenderContext {
  metadata: PortalMetadata;
  draftName: string;
  againstName: string | null;
  sourceName: string;
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
const ruleName = (r: { policyId: string; ruleId: string }) => `${r.policyId}/${r.ruleId}`;

function stageLabel(ctx: RenderContext, id: string | null): string {
  return id === null ? "(no move)" : (ctx.metadata.stages.get(id)?.stage.label ?? id);
}

function example(ctx: RenderContext, h: BacktestHit): string {
  const rep = h.ownerId === null ? "no owner" : (ctx.metadata.owners.get(h.ownerId)?.name ?? `owner ${h.ownerId}`);
  const move = h.fromStage !== null ? ` ${stageLabel(ctx, h.fromStage)} → ${stageLabel(ctx, h.toStage)}` : h.toStage === null ? "" : ` in ${stageLabel(ctx, h.toStage)}`;
  return `    ${minute(h.occurredAt)}  ${h.dealName ?? "(unnamed deal)"} (deal ${h.dealId}, ${rep})${move}: ${h.message}`;
}

function ruleRows(rules: RuleSummary[]): string[] {
  const rows = rules.map((r) => [ruleName(r), r.mode, String(r.hits), String(r.deals), String(r.reps), String(r.reverts), String(r.tasks)]);
  return table(["rule", "mode", "hits", "deals", "reps", "reverts", "tasks"], rows);
}

function diffRows(diff: RuleDiff[]): string[] {
  const rows = diff.map((d) => [ruleName(d), d.rule, `+${d.newHits}`, `-${d.goneHits}`, String(d.changedActions)]);
  return table(["rule", "rule is", "new hits", "no longer raised", "changed actions"], rows);
}

function counted(keys: string[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m];
}

/** Hits by week (with a bar), by rep and by stage: where the rule would have bitten. */
function breakdowns(hits: readonly BacktestHit[], ctx: RenderContext): string[] {
  if (hits.length === 0) return [];
  const weeks = counted(hits.map((h) => weekOf(h.occurredAt))).sort((a, b) => a[0].localeCompare(b[0]));
  const max = Math.max(...weeks.map(([, n]) => n));
  const rep = (id: string) => (id === "" ? "no owner" : (ctx.metadata.owners.get(id)?.name ?? `owner ${id}`));
  const top = (pairs: Array<[string, number]>, name: (k: string) => string) =>
    pairs.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, n]) => `${name(k)} ${n}`).join(", ");
  return [
    "",
    "Hits by week (Monday, UTC):",
    ...weeks.map(([w, n]) => `  ${w}  ${String(n).padStart(5)}  ${"#".repeat(Math.max(1, Math.round((n / max) * 40)))}`),
    `Most hits by rep: ${top(counted(hits.map((h) => h.ownerId ?? "")), rep)}`,
    `Most hits by stage: ${top(counted(hits.map((h) => h.toStage ?? "")), (id) => stageLabel(ctx, id === "" ? null : id))}`,
  ];
}

/** The report's lines. */
export function renderBacktest(result: BacktestResult, ctx: RenderContext): string[] {
  const { draft } = result;
  const out = [
    `Back-test of ${ctx.draftName} (set ${draft.setVersion}) on ${ctx.sourceName}, ${day(result.window.from)} → ${day(result.window.to - 1)}: ${draft.changes} changes on ${draft.deals} deals, ${draft.hits.length} hits`,
    "",
    ...ruleRows(draft.rules),
    "  reverts and tasks: what each hit would have made in enforce mode (audit rules record them as would-run)",
  ];
  out.push(...breakdowns(draft.hits, ctx));
  const withHits = draft.rules.filter((r) => r.examples.length > 0);
  if (withHits.length > 0) out.push("", "Latest examples:");
  for (const r of withHits) out.push(`  ${ruleName(r)}`, ...r.examples.map((h) => example(ctx, h)));
  if (result.diff !== null && result.against !== null) {
    out.push("", `Against ${ctx.againstName ?? "the other set"} (set ${result.against.setVersion}): ${result.against.hits.length} hits`, "", ...diffRows(result.diff));
    for (const d of result.diff.filter((x) => x.newHits + x.goneHits + x.changedActions > 0)) {
      out.push(`  ${ruleName(d)}`);
      out.push(...d.examples.new.map((h) => `  + ${example(ctx, h).trimStart()}`));
      out.push(...d.examples.gone.map((h) => `  - ${example(ctx, h).trimStart()}`));
      out.push(...d.examples.changed.map((c) => `  ~ ${example(ctx, c.draft).trimStart()} (${c.against.mode} ${c.against.actions.join("+")} → ${c.draft.mode} ${c.draft.actions.join("+")})`));
    }
  }
  if (result.unrecorded.length > 0) {
    out.push("", `! the engine recorded no values of ${result.unrecorded.join(", ")} (the set it ran didn't read them): rules reading them saw them empty — back-test with --source hubspot`);
  }
  if (result.unrecordedEdits.length > 0) {
    out.push("", `! the draft fires on edits of ${result.unrecordedEdits.join(", ")}; no rule of the running set does, so the engine recorded few such edits (only on deals with an open violation) — back-test with --source hubspot`);
  }
  if (result.uncounted.changes > 0) {
    const n = result.uncounted.changes;
    out.push("", `! on ${n} change${n === 1 ? "" : "s"} the draft's verdict turns on ${associationKindWords(result.uncounted.kinds)} counts the engine hadn't taken yet (no running rule needed them; recorded as 0) — back-test with --source hubspot`);
  }
  return out;
}

/** The one JSON object `--json` prints last. */
export function backtestJson(result: BacktestResult, extra: Record<string, unknown>): string {
  const strip = (rules: RuleSummary[]) => rules.map((r) => ({ ...r }));
  return JSON.stringify({
    ...extra,
    source: result.source,
    window: { from: new Date(result.window.from).toISOString(), to: new Date(result.window.to).toISOString() },
    changes: result.draft.changes,
    deals: result.draft.deals,
    setVersion: result.draft.setVersion,
    rules: strip(result.draft.rules),
    hits: result.draft.hits,
    against: result.against === null ? null : { setVersion: result.against.setVersion, hits: result.against.hits.length, rules: strip(result.against.rules) },
    diff: result.diff,
    unrecorded: result.unrecorded,
    unrecordedEdits: result.unrecordedEdits,
    uncounted: result.uncounted,
  });
}
