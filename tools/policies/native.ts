// `policies native plan|apply|drift [dir] [--portal <url> --token <t>]`: the policy set's native half (HubSpot's
// pipeline rules) computed, compared with a portal, written idempotently, or checked for drift.
// Exit codes: 0 ok / in sync, 1 errors, 2 usage, 3 drift found (drift only).
import type { PipelineRulesClient } from "../../src/hubspot/pipeline-rules";
import { compileNativePlan, diffNative, type CurrentNative } from "../../src/policy/native";
import { indexPortal } from "../../src/policy/portal-index";
import { checkPolicies } from "./check";
import type { CliIO } from "./io";
import { applyNative, readCurrentNative } from "./native-portal";
import { renderDiffs, renderRules } from "./native-render";

export interface NativeOptions {
  dir: string;
  portalUrl?: string;
  token?: string;
}

export const DRIFT_EXIT = 3;

export async function runNative(command: string | undefined, options: NativeOptions, io: CliIO): Promise<number> {
  if (command !== "plan" && command !== "apply" && command !== "drift") {
    io.err(`error: native needs plan, apply or drift (got ${command === undefined ? "nothing" : `"${command}"`})`);
    return 2;
  }
  if (command !== "plan" && (options.portalUrl === undefined || options.token === undefined)) {
    io.err(`error: native ${command} needs --portal <url> and --token <t> (or HUBSPOT_ACCESS_TOKEN)`);
    return 2;
  }
  // Load quietly: only errors are worth printing here.
  const checked = await checkPolicies(options, { out: () => undefined, err: (l) => io.err(l) });
  if (checked.set === null || checked.portal === null) return 1;
  const plan = compileNativePlan(checked.set);
  const index = indexPortal(checked.portal);
  const client: PipelineRulesClient | null = options.portalUrl !== undefined && options.token !== undefined ? { baseUrl: options.portalUrl, accessToken: options.token } : null;
  let current: CurrentNative[] = plan.pipelines.map((p) => ({ pipelineId: p.pipelineId, rules: { noSkippingStagesRule: null, noBackwardsMovementRule: null, objectCreationRule: null, approvalStage: null }, stagePermissions: [] }));
  if (client !== null) {
    const read = await readCurrentNative(client, plan.pipelines.map((p) => p.pipelineId));
    if (!read.ok) {
      io.err(`error: ${read.error}`);
      return 1;
    }
    current = read.value;
  }
  const diffs = diffNative(plan.pipelines, current, index);
  const target = options.portalUrl ?? "no portal (desired configuration only; pass --portal and --token to compare)";
  switch (command) {
    case "plan": {
      io.out(`Native pipeline rules for ${target}`);
      const changes = renderDiffs(diffs, io, client !== null);
      renderRules(plan, io);
      if (client !== null) io.out(changes === 0 ? "\nIn sync: nothing to apply." : `\n${changes} difference${changes === 1 ? "" : "s"}: \`npm run policies -- native apply --portal ${options.portalUrl ?? ""} --token …\` writes them.`);
      return 0;
    }
    case "drift": {
      const changes = diffs.reduce((n, d) => n + d.lines.length, 0);
      if (changes === 0) {
        io.out(`✓ no drift: ${target} has exactly the native rules the policies ask for`);
        return 0;
      }
      io.out(`✗ drift: ${target} differs from the policies in ${changes} place${changes === 1 ? "" : "s"} (current → what the policies want)`);
      renderDiffs(diffs.filter((d) => d.lines.length > 0), io, true);
      return DRIFT_EXIT;
    }
    case "apply": {
      if (client === null) return 2;
      const applied = await applyNative(client, plan.pipelines, diffs);
      if (!applied.ok) {
        io.err(`error: ${applied.error}`);
        return 1;
      }
      if (applied.value.writes.length === 0) {
        io.out(`✓ nothing to apply: ${target} is in sync`);
        return 0;
      }
      renderDiffs(diffs.filter((d) => d.lines.length > 0), io, true);
      for (const w of applied.value.writes) io.out(`  ✓ ${w}`);
      const after = await readCurrentNative(client, plan.pipelines.map((p) => p.pipelineId));
      if (!after.ok) {
        io.err(`error: re-reading after apply: ${after.error}`);
        return 1;
      }
      const left = diffNative(plan.pipelines, after.value, index).reduce((n, d) => n + d.lines.length, 0);
      if (left > 0) {
        io.err(`✗ ${left} difference(s) remain after apply: the portal did not keep what was written`);
        return 1;
      }
      io.out(`✓ applied ${applied.value.writes.length} write${applied.value.writes.length === 1 ? "" : "s"}; the portal is in sync`);
      return 0;
    }
  }
}
