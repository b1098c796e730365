// How `policies native plan|apply|drift` prints: per pipeline what changes (current → desired), then every rule and
// where it is enforced — native+engine with what HubSpot enforces, engine-only with why.
import type { NativePlan, PipelineDiff } from "../../src/policy/native";
import type { CliIO } from "./io";

export function renderDiffs(diffs: readonly PipelineDiff[], io: CliIO, live: boolean): number {
  let changes = 0;
  for (const d of diffs) {
    io.out(`${d.pipelineLabel} (${d.pipelineId})`);
    if (d.lines.length === 0) io.out(live ? "  = in sync" : "  (no native rules)");
    for (const line of d.lines) {
      changes++;
      io.out(live ? `  ~ ${line.what}: ${line.current} → ${line.desired}` : `  + ${line.what}: ${line.desired}`);
    }
  }
  return changes;
}

export function renderRules(plan: NativePlan, io: CliIO): void {
  const native = plan.rules.filter((r) => r.compiled);
  const optIn = plan.rules.filter((r) => !r.compiled && r.blockers.length === 0);
  const engineOnly = plan.rules.filter((r) => r.blockers.length > 0);
  io.out("");
  io.out(`Native + engine (${native.length}): HubSpot blocks these before the save for UI, bulk edits and API writes with a user id; the engine judges the rest`);
  for (const r of native) io.out(`  ${r.policyId}/${r.ruleId}: ${r.native.join("; ")}`);
  io.out(`Engine only, by choice (${optIn.length}): HubSpot could enforce these — opt in with \`enforcement: native+engine\``);
  for (const r of optIn) io.out(`  ${r.policyId}/${r.ruleId}: ${r.native.join("; ")}`);
  io.out(`Engine only (${engineOnly.length}): HubSpot's pipeline rules can't express`);
  for (const r of engineOnly) io.out(`  ${r.policyId}/${r.ruleId}: ${r.blockers.join("; ")}`);
}
