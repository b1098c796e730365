// Plan, for the governance properties (PURE): each deal's governance values after this run — from the recorded facts
// plus this run's new violations and resolutions — and the write when a value changed. A pending revert gives two
// answers (it lands: those violations are resolved; HubSpot refuses it: they stay open); apply picks by the outcome.
// A governance property someone edited by hand is put back and the repair recorded.
import { computeGovernanceValues, GOVERNANCE_BATCH_LIMIT, governanceChanged, governanceEssential, isGovernanceProperty, sameGovernanceValue, toHubSpotProperties, type GovernanceFacts, type GovernanceValues } from "../governance";
import type { GovernanceRepair } from "../store/governance";
import type { Resolution } from "../store/violations";
import type { DealEvaluation } from "./evaluate-deal";
import type { RevertIntent } from "./outcomes";
import type { ViolationPlan } from "./plan-types";
import type { GovernanceSnapshot } from "./read-governance";

export interface GovernanceIntent {
  dealId: string;
  values: GovernanceValues;
  /** The values should one of `revertIds` not land (HubSpot refused it, or the deal moved on). */
  ifRevertFails: GovernanceValues | null;
  revertIds: string[];
  /** Write even if equal to what the engine last wrote (HubSpot's value was edited by hand). */
  force: boolean;
  /** A value managers filter on changed (or a hand edit): worth a call. Otherwise it only rides along. */
  essential: boolean;
}

export interface GovernancePlan {
  /** Create the group and properties before writing (first run in this portal). */
  install: boolean;
  /** Skip every write: the portal refused to create the properties (missing scope), asked again later. */
  skip: boolean;
  portalKey: string;
  writes: GovernanceIntent[];
  repairs: GovernanceRepair[];
}

export interface GovernanceInputs {
  governance: GovernanceSnapshot;
  evaluations: DealEvaluation[];
  violations: ViolationPlan[];
  resolutions: Resolution[];
  reverts: RevertIntent[];
  now: number;
}

/** The governance writes of the run. Never throws. */
export function planGovernance(i: GovernanceInputs): GovernancePlan {
  const g = i.governance;
  const plan: GovernancePlan = { install: g.install === "needed", skip: g.install === "refused", portalKey: g.portalKey, writes: [], repairs: [] };
  const resolvedBy = new Map(i.resolutions.map((r) => [r.id, r.resolvedBy]));
  const revertIds = new Set(i.reverts.flatMap((r) => [r.ref.violationId, ...r.siblings.map((s) => s.violationId)]));
  const excepted = new Map(i.evaluations.map((e) => [e.dealId, e.excepted]));
  const fresh = new Map<string, ViolationPlan[]>();
  // Audit mode records what would happen and writes nothing to HubSpot: its violations stay off the deal record.
  // Warn mode gives the rep a task on the deal, so the deal record says it is out of line too.
  for (const v of i.violations.filter((x) => x.d.mode !== "audit")) fresh.set(v.d.built.change.dealId, [...(fresh.get(v.d.built.change.dealId) ?? []), v]);
  const editsByDeal = new Map<string, typeof g.edits>();
  for (const e of g.edits) editsByDeal.set(e.objectId, [...(editsByDeal.get(e.objectId) ?? []), e]);

  const dealIds = [...new Set([...i.evaluations.map((e) => e.dealId), ...editsByDeal.keys()])];
  for (const dealId of dealIds) {
    const stored = g.facts.get(dealId) ?? { open: [], latest: null, excepted: false };
    const facts = factsAfterRun(stored, fresh.get(dealId) ?? [], resolvedBy, excepted.get(dealId) ?? false);
    const pending = facts.open.filter((v) => revertIds.has(v.id)).map((v) => v.id);
    const landed = pending.length === 0 ? facts : withReverted(facts, new Set(pending));
    const values = computeGovernanceValues(landed, i.now);
    const edits = editsByDeal.get(dealId) ?? [];
    const wanted = toHubSpotProperties(values);
    const drifted = edits.filter((e) => isGovernanceProperty(e.propertyName) && !sameGovernanceValue(e.propertyName ?? "", e.propertyValue, wanted[e.propertyName ?? ""]));
    const changed = governanceChanged(g.written.get(dealId), values);
    if (!changed && drifted.length === 0) continue;
    const essential = drifted.length > 0 || governanceEssential(g.written.get(dealId), values);
    plan.writes.push({ dealId, values, ifRevertFails: pending.length === 0 ? null : computeGovernanceValues(facts, i.now), revertIds: pending, force: drifted.length > 0, essential });
    for (const e of drifted) {
      plan.repairs.push({ dealId, property: e.propertyName ?? "", foundValue: e.propertyValue, restoredValue: wanted[e.propertyName ?? ""] ?? null, foundBy: "webhook" });
    }
  }
  plan.writes = withinEssentialCalls(plan.writes, new Set(i.reverts.map((r) => r.dealId)));
  return plan;
}

/**
 * No call of its own for a first "compliant" or a check refresh: those only fill the room left in the batch calls
 * the essential writes make anyway (the background repair writes the rest). Riding along with every deal of a big
 * batch would cost a call per 100 deals and lengthen the run that the queue's next batch waits for. The reverts'
 * deals share those calls (the values ride in the reverts' batch update, one input per deal): the room is what the
 * union of both leaves, so the ride-alongs never push the reverts' batch into a second call.
 */
export function withinEssentialCalls(writes: GovernanceIntent[], revertDeals: ReadonlySet<string> = new Set()): GovernanceIntent[] {
  const paid = writes.filter((w) => w.essential || revertDeals.has(w.dealId));
  const inputs = new Set([...paid.map((w) => w.dealId), ...revertDeals]).size;
  const room = Math.ceil(inputs / GOVERNANCE_BATCH_LIMIT) * GOVERNANCE_BATCH_LIMIT - inputs;
  return [...paid, ...writes.filter((w) => !w.essential && !revertDeals.has(w.dealId)).slice(0, room)];
}

/** The recorded facts with this run's new violations added and its resolutions taken out. */
function factsAfterRun(stored: GovernanceFacts, fresh: ViolationPlan[], resolvedBy: Map<string, string | null>, excepted: boolean): GovernanceFacts {
  const open = new Map(stored.open.map((v) => [v.id, v]));
  let latest = stored.latest;
  for (const v of fresh) {
    const occurredAt = v.d.built.change.occurredAt;
    if (v.open) open.set(v.d.id, { id: v.d.id, message: v.d.violation.message, occurredAt });
    if (latest === null || occurredAt > latest.occurredAt) latest = { id: v.d.id, occurredAt, resolvedBy: null };
  }
  for (const id of resolvedBy.keys()) open.delete(id);
  if (latest !== null) latest = { ...latest, resolvedBy: open.has(latest.id) ? null : (resolvedBy.get(latest.id) ?? latest.resolvedBy ?? "resolved") };
  return { open: [...open.values()], latest, excepted: excepted && open.size === 0 };
}

/** The facts once the engine's reverts of `ids` landed: resolved as `engine:revert`. */
function withReverted(facts: GovernanceFacts, ids: Set<string>): GovernanceFacts {
  const open = facts.open.filter((v) => !ids.has(v.id));
  const latest = facts.latest !== null && ids.has(facts.latest.id) ? { ...facts.latest, resolvedBy: "engine:revert" } : facts.latest;
  return { ...facts, open, latest };
}
