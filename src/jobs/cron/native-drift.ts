// Cron job: compares HubSpot's native pipeline rules with what the policy set asks for, and stores the result for
// the overview and /healthz. Only checks when a rule opts into `native+engine`; never writes to HubSpot.
import type { Config, Env } from "../../env";
import { createHubSpotClient } from "../../hubspot/client";
import { describeError } from "../../hubspot/errors";
import { fetchPipelines } from "../../hubspot/metadata";
import { readNativeConfig } from "../../hubspot/pipeline-rules";
import type { PolicyFile, PortalProperty } from "../../policy";
import { compileNativePlan, diffNative } from "../../policy/native";
import { indexPortal } from "../../policy/portal-index";
import { saveNativeDrift, type NativeDrift } from "../../store/native-drift";
import { compilePolicies } from "../../enforcement/policy-set";
import { shippedPolicyFiles, shippedPortalPipelines, shippedPortalProperties } from "../../enforcement/shipped-policies";

export interface DriftDeps {
  policyFiles?: PolicyFile[];
  properties?: PortalProperty[];
}

/** Checks and stores the drift; returns what was stored. Never throws for HubSpot trouble (stored as "error"). */
export async function checkNativeDrift(env: Env, config: Config, now: number, deps: DriftDeps = {}): Promise<NativeDrift> {
  const drift = await computeDrift(config, now, deps);
  await saveNativeDrift(env.DB, drift);
  return drift;
}

async function computeDrift(config: Config, now: number, deps: DriftDeps): Promise<NativeDrift> {
  const files = deps.policyFiles ?? shippedPolicyFiles();
  const base = { checkedAt: now, differences: 0, lines: [], error: null };
  // No HubSpot call at all when no rule opts in (judged against the bundled portal snapshot).
  const offline = compilePolicies(files, { pipelines: shippedPortalPipelines(), properties: deps.properties ?? shippedPortalProperties() });
  if (offline.ok && !offline.value.policies.some((p) => p.rules.some((r) => r.enforcement === "native+engine"))) return { ...base, status: "unused" };
  const client = createHubSpotClient({ accessToken: config.HUBSPOT_ACCESS_TOKEN, basePath: config.HUBSPOT_BASE_URL });
  const pipelines = await fetchPipelines(client);
  if (!pipelines.ok) return { ...base, status: "error", error: `reading pipelines: ${describeError(pipelines.error)}` };
  const schema = { pipelines: pipelines.value, properties: deps.properties ?? shippedPortalProperties() };
  const compiled = compilePolicies(files, schema);
  if (!compiled.ok) return { ...base, status: "error", error: compiled.error };
  const plan = compileNativePlan(compiled.value);
  if (!plan.rules.some((r) => r.enforcement === "native+engine")) return { ...base, status: "unused" };
  const current = await readNativeConfig(client.pipelineRules, plan.pipelines.map((p) => p.pipelineId));
  if (!current.ok) return { ...base, status: "error", error: `reading pipeline rules: ${describeError(current.error)}` };
  const lines = diffNative(plan.pipelines, current.value, indexPortal(schema)).flatMap((d) => d.lines.map((l) => ({ pipeline: d.pipelineLabel, ...l })));
  return { ...base, status: lines.length === 0 ? "in-sync" : "drift", differences: lines.length, lines };
}
