// Part of step 1, read: for approval rules compiled to HubSpot's approval gate, the approval status of the deals
// whose changes entered a pipeline's gated stage (GET …/approvals/{objectId}). The policy core gets it as an input
// value on the change; it never fetches. Deals of pipelines without a compiled gate are not read (the engine then
// counts a move made by an approver as the approval).
import type { HubSpotClient } from "../hubspot/client";
import type { HubSpotError } from "../hubspot/errors";
import { getApprovalStatus } from "../hubspot/pipeline-rules";
import type { ApprovalStatus, CompiledPolicySet } from "../policy";
import { compileNativePlan } from "../policy/native";
import type { Result } from "../result";
import type { DealSnapshot } from "./snapshot";

const gatesBySet = new WeakMap<CompiledPolicySet, Map<string, string>>();

/** pipelineId → its gated stage id, from the compiled native plan (once per compiled set). */
function approvalGates(set: CompiledPolicySet): Map<string, string> {
  let gates = gatesBySet.get(set);
  if (gates === undefined) {
    gates = new Map(compileNativePlan(set).pipelines.flatMap((p) => (p.rules.approvalStage ? [[p.pipelineId, p.rules.approvalStage.pipelineStageId] as const] : [])));
    gatesBySet.set(set, gates);
  }
  return gates;
}

/**
 * dealId → approval status for the deals that need one. A transient failure (rate limit, outage) fails the read so
 * the batch is retried; any other failure leaves the deal without a status (only an approver's own move passes).
 */
export async function readApprovalStatuses(client: HubSpotClient, set: CompiledPolicySet, deals: readonly DealSnapshot[]): Promise<Result<Map<string, ApprovalStatus>, HubSpotError>> {
  const out = new Map<string, ApprovalStatus>();
  const gates = approvalGates(set);
  if (gates.size === 0) return { ok: true, value: out };
  for (const d of deals) {
    const pipelineId = d.deal.properties.pipeline ?? null;
    const gate = pipelineId === null ? undefined : gates.get(pipelineId);
    if (pipelineId === null || gate === undefined) continue;
    if (!d.built.some((b) => b.change.toStage === gate && b.change.fromStage !== gate)) continue;
    const status = await getApprovalStatus(client.pipelineRules, pipelineId, d.deal.id);
    if (status.ok) out.set(d.deal.id, status.value);
    else if (status.error.kind === "rate-limited" || status.error.kind === "unavailable") return status;
    // Anything else (404, a missing scope, an odd answer) won't change on a retry: judge without HubSpot's status.
    else console.warn(`approval status of deal ${d.deal.id} unavailable: ${status.error.kind} (${status.error.status}) ${status.error.message}`);
  }
  return { ok: true, value: out };
}
