// Native rules for the enforcement tests: the policy text compiled by the real native compiler and written to the
// simulated portal through the real gateway — what `policies native apply` does.
import { PORTAL_SNAPSHOT } from "../../../src/generated/policies";
import { putPipelineRules, putStageEditPermissions } from "../../../src/hubspot/pipeline-rules";
import { formatPolicyError, loadPolicySet } from "../../../src/policy";
import { compileNativePlan } from "../../../src/policy/native";
import type { SimPortal } from "../../../sim/client";

export async function applyNativeRules(portal: SimPortal, policyText: string): Promise<void> {
  const loaded = loadPolicySet([{ path: "policies/test.yaml", text: policyText }], PORTAL_SNAPSHOT);
  if (!loaded.ok) throw new Error(loaded.error.map(formatPolicyError).join("\n"));
  const client = { baseUrl: portal.simUrl, accessToken: portal.info.accessToken };
  for (const p of compileNativePlan(loaded.value).pipelines) {
    const rules = await putPipelineRules(client, p.pipelineId, p.rules);
    if (!rules.ok) throw new Error(`PUT rules: ${rules.error.message}`);
    const permissions = await putStageEditPermissions(client, p.pipelineId, p.stagePermissions);
    if (!permissions.ok) throw new Error(`PUT permissions: ${permissions.error.message}`);
  }
}
