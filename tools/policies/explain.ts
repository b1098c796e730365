// `policies explain <policy-file> --change <json|@file> [--now <iso>]`: every rule's verdict and trace for one change.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildDealChange, explainChange, formatPolicyError, loadPolicySet, type DealChange, type TraceStep } from "../../src/policy/index";
import { readPortalSnapshot } from "./files";
import type { CliIO } from "./io";

export interface ExplainOptions {
  policyFile: string;
  change: string;
  now?: string;
  portalDir?: string;
}

export function explainPolicy(options: ExplainOptions, io: CliIO): number {
  if (!existsSync(options.policyFile)) {
    io.err(`error: ${options.policyFile}: no such file`);
    return 2;
  }
  const portal = readPortalSnapshot(options.portalDir ?? path.dirname(options.policyFile));
  if (!portal.ok) {
    io.err(`error: ${portal.error}`);
    return 1;
  }
  const set = loadPolicySet([{ path: options.policyFile, text: readFileSync(options.policyFile, "utf8") }], portal.value);
  if (!set.ok) {
    for (const error of set.error) io.err(formatPolicyError(error));
    return 1;
  }
  const raw = options.change.startsWith("@") ? readText(options.change.slice(1)) : options.change;
  if (raw === null) {
    io.err(`error: cannot read ${options.change.slice(1)}`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    io.err(`error: --change is not valid JSON: ${String(error)}`);
    return 2;
  }
  const change = toDealChange(json, portal.value);
  if (!change.ok) {
    io.err(`error: ${change.error}`);
    return 2;
  }
  // The CLI may read the clock (the core never does): default to the change's time, else now.
  const now = options.now === undefined ? change.value.occurredAt || Date.now() : Date.parse(options.now);
  if (!Number.isFinite(now)) {
    io.err(`error: --now is not a date: ${options.now ?? ""}`);
    return 2;
  }
  const verdicts = explainChange(set.value, change.value, { now });
  io.out(`change: deal ${change.value.dealId} ${change.value.kind} ${change.value.fromStage ?? "-"} → ${change.value.toStage ?? "-"} (changed: ${change.value.changedProperties.join(", ") || "nothing"}), now ${new Date(now).toISOString()}`);
  for (const v of verdicts) {
    const head = v.outcome === "violated" && v.violation !== null ? `VIOLATED (${v.violation.severity}, ${v.violation.mode})` : v.outcome;
    io.out(`${v.policyId}/${v.ruleId}: ${head}`);
    if (v.violation !== null) {
      io.out(`  message: ${v.violation.message}`);
      if (v.violation.missing.length > 0) io.out(`  missing: ${v.violation.missing.join(", ")}`);
      io.out(`  actions: ${v.violation.actions.map((a) => a.type + (a.task ? ` "${a.task.subject}" → ${a.task.assignee.kind}, ${a.task.dueInBusinessDays}bd, ${a.task.priority}` : "")).join("; ") || "none"}`);
    }
    for (const step of v.trace) io.out(`  ${formatStep(step)}`);
  }
  const violations = verdicts.filter((v) => v.outcome === "violated").length;
  io.out(`${violations} violation${violations === 1 ? "" : "s"} of ${verdicts.length} rules`);
  return 0;
}

function formatStep(step: TraceStep): string {
  const mark = step.passed ? "✓" : "✗";
  const expr = step.expression === undefined ? "" : ` [${step.expression}]`;
  return `${mark} ${step.check}${expr}: ${step.detail} ${JSON.stringify(step.values)}`;
}

function readText(file: string): string | null {
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

/** Accepts a full DealChange (has fromStage/toStage/changedProperties) or the friendly change spec of policy tests. */
function toDealChange(json: unknown, portal: Parameters<typeof buildDealChange>[1]): { ok: true; value: DealChange } | { ok: false; error: string } {
  if (typeof json === "object" && json !== null && "changedProperties" in json && "actor" in json) {
    return { ok: true, value: json as DealChange };
  }
  return buildDealChange(json, portal);
}
