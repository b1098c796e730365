// Reading and writing a portal's native pipeline rules for `policies native`: per pipeline, the rules and the stage
// edit permissions (through src/hubspot/pipeline-rules.ts), and an idempotent apply of a diff.
import { describeError, type HubSpotError } from "../../src/hubspot/errors";
import {
  deletePipelineRules, putPipelineRules, putStageEditPermissions, readNativeConfig, type PipelineRulesClient,
} from "../../src/hubspot/pipeline-rules";
import type { CurrentNative, NativePipelineConfig, PipelineDiff } from "../../src/policy/native";

export type PortalResult<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (what: string, e: HubSpotError): { ok: false; error: string } => ({ ok: false, error: `${what}: ${describeError(e)}` });

/** The portal's current native configuration of each given pipeline. */
export async function readCurrentNative(client: PipelineRulesClient, pipelineIds: readonly string[]): Promise<PortalResult<CurrentNative[]>> {
  const read = await readNativeConfig(client, pipelineIds);
  return read.ok ? read : fail("reading the portal's pipeline rules", read.error);
}

/** Writes what differs: the rules (PUT, or DELETE when nothing is wanted) and/or the stage permissions (PUT). */
export async function applyNative(client: PipelineRulesClient, desired: readonly NativePipelineConfig[], diffs: readonly PipelineDiff[]): Promise<PortalResult<{ writes: string[] }>> {
  const writes: string[] = [];
  for (const diff of diffs) {
    const want = desired.find((d) => d.pipelineId === diff.pipelineId);
    if (want === undefined) continue;
    if (diff.rulesDiffer) {
      const empty = Object.values(want.rules).every((r) => r === null);
      const written = empty ? await deletePipelineRules(client, want.pipelineId) : await putPipelineRules(client, want.pipelineId, want.rules);
      if (!written.ok) return fail(`${empty ? "DELETE" : "PUT"} pipeline rules of ${want.pipelineLabel}`, written.error);
      writes.push(`${empty ? "DELETE" : "PUT"} rules of ${want.pipelineLabel}`);
    }
    if (diff.permissionsDiffer) {
      const written = await putStageEditPermissions(client, want.pipelineId, want.stagePermissions);
      if (!written.ok) return fail(`PUT stage edit permissions of ${want.pipelineLabel}`, written.error);
      writes.push(`PUT stage edit permissions of ${want.pipelineLabel}`);
    }
  }
  return { ok: true, value: { writes } };
}
