// Apply, for the governance properties: creates the group and properties on the portal's first run, then writes the
// values the plan chose (batch updates of ≤100), picking per deal the answer for how its pending revert went. Each
// write is recorded in engine_writes first, so an echo (when a portal subscribes to these properties) is known as ours.
// In a run that reverts, the values ride in the reverts' batch update (as if the reverts land); written apart only
// when a revert didn't land or the batch was refused.
import type { HubSpotClient } from "../hubspot/client";
import type { RidingWrite } from "../hubspot/deal-writes";
import type { HubSpotError } from "../hubspot/errors";
import { installGovernanceProperties, writeGovernanceProperties } from "../hubspot/governance-properties";
import { toHubSpotProperties, type GovernanceValues } from "../governance";
import { recordEngineWriteStatements } from "../store/engine-writes";
import type { InstallState } from "../store/governance";
import type { GovernancePlan } from "./plan-governance";

/** engine_writes rows of governance writes carry this in place of a violation id. */
export const GOVERNANCE_WRITE_REF = "governance";

export interface GovernanceApplied {
  written: Array<{ dealId: string; values: GovernanceValues }>;
  refused: Array<{ dealId: string; error: string }>;
  /** The install state to record (null: unchanged). */
  install: InstallState | null;
  failure: HubSpotError | null;
}

export const NO_GOVERNANCE: GovernanceApplied = { written: [], refused: [], install: null, failure: null };

/** Runs the plan's governance writes; `reverted` = violation ids whose revert landed in this run. Throws only for D1. */
export async function applyGovernance(ctx: { db: D1Database; client: HubSpotClient; now: number }, plan: GovernancePlan, reverted: Set<string>): Promise<GovernanceApplied> {
  if (plan.skip || (plan.writes.length === 0 && !plan.install)) return NO_GOVERNANCE;
  let install: InstallState | null = null;
  if (plan.install) {
    const installed = await installGovernanceProperties(ctx.client);
    if (!installed.ok && !installed.refused) return { ...NO_GOVERNANCE, failure: installed.error };
    if (!installed.ok) {
      console.warn(installed.message);
      return { ...NO_GOVERNANCE, install: { status: "refused", detail: installed.message, checkedAt: ctx.now } };
    }
    install = { status: "installed", detail: installed.created.length === 0 ? "found" : `created ${installed.created.join(", ")}`, checkedAt: ctx.now };
  }
  if (plan.writes.length === 0) return { ...NO_GOVERNANCE, install };
  const chosen = plan.writes.map((w) => ({
    dealId: w.dealId,
    values: w.ifRevertFails !== null && !w.revertIds.every((id) => reverted.has(id)) ? w.ifRevertFails : w.values,
  }));
  const writes = chosen.map((c) => ({ dealId: c.dealId, properties: toHubSpotProperties(c.values) }));
  await ctx.db.batch(
    recordEngineWriteStatements(
      ctx.db,
      governanceWriteRows(writes),
      ctx.now,
    ),
  );
  const answer = await writeGovernanceProperties(ctx.client, writes);
  if (!answer.ok) return { ...NO_GOVERNANCE, install, failure: answer.error };
  const written = new Set(answer.value.written);
  for (const r of answer.value.refused) console.warn(`governance properties of deal ${r.dealId} not written: ${r.error}`);
  return { written: chosen.filter((c) => written.has(c.dealId)), refused: answer.value.refused, install, failure: null };
}

/** The engine_writes rows of governance writes (recorded before the write, so their echoes are known as ours). */
export function governanceWriteRows(writes: RidingWrite[]) {
  return writes.flatMap((w) => Object.entries(w.properties).map(([property, value]) => ({ dealId: w.dealId, property, value, violationId: GOVERNANCE_WRITE_REF })));
}

/** The values that ride in the reverts' batch (those for when the reverts land); none when there is nothing to ride. */
export function ridingGovernance(plan: GovernancePlan, reverts: number): RidingWrite[] {
  if (reverts === 0 || plan.skip || plan.install) return [];
  return plan.writes.map((w) => ({ dealId: w.dealId, properties: toHubSpotProperties(w.values) }));
}

/**
 * What the run's governance writes came to, given the reverts' outcome: the riding values stand when every revert
 * they assumed landed; otherwise (or when they didn't ride) the values are written now, chosen by the outcome.
 */
export async function settleGovernance(ctx: { db: D1Database; client: HubSpotClient; now: number }, plan: GovernancePlan, reverted: Set<string>, ridden: string[] | null): Promise<GovernanceApplied> {
  const assumed = plan.writes.every((w) => w.ifRevertFails === null || w.revertIds.every((id) => reverted.has(id)));
  if (ridden === null || !assumed) return applyGovernance(ctx, plan, reverted);
  const applied = new Set(ridden);
  for (const w of plan.writes.filter((x) => !applied.has(x.dealId))) console.warn(`governance properties of deal ${w.dealId} not written: not in HubSpot's answer`);
  return {
    written: plan.writes.filter((w) => applied.has(w.dealId)).map((w) => ({ dealId: w.dealId, values: w.values })),
    refused: plan.writes.filter((w) => !applied.has(w.dealId)).map((w) => ({ dealId: w.dealId, error: "not in HubSpot's answer" })),
    install: null,
    failure: null,
  };
}
