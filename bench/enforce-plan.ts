// The enforcement benchmark's burst: which change each deal gets in which round, and what the shipped policies (in
// enforce mode) must make of it. Expectations come from evaluating every planned change with the real policy core
// against a model of the deal, never from hard-coded counts. Pure apart from reading policies/ once; no network.
import path from "node:path";
import { buildDealChange, evaluateChange, loadPolicySet, type ActionType, type CompiledPolicySet, type PortalSchema } from "../src/policy/index";
import { readPolicyDir, readPortalSnapshot } from "../tools/policies/files";

export const CHANGES_PER_DEAL = 5;
const VIOLATING_EVERY = 5; // every 5th deal: 20%

/** compliant: one stage at a time; skip: jumps a stage once; unsized: enters Presentation Scheduled with no amount. */
export type Variant = "compliant" | "skip" | "unsized";

export type Change = { dealId: string; kind: "edit" | "move"; stage?: string; property?: string; value?: string; violating: boolean };

export interface DealSeed {
  properties: Record<string, string>;
  associations: { contacts: number; companies: number; line_items: number };
}

export interface ExpectedViolation { dealId: string; ruleId: string; actions: ActionType[] }

export interface Expectations {
  violations: ExpectedViolation[];
  tasks: number;
  /** Per violating deal, the stage it must end in (reverted deals go back to where they were). */
  finalStage: Map<string, string>;
  reverted: Set<string>;
}

/** Half of the violating deals skip a stage, the other half (never sized) enter Presentation Scheduled without an amount. */
export function variantOf(i: number): Variant {
  if (i % VIOLATING_EVERY !== 0) return "compliant";
  return (i / VIOLATING_EVERY) % 2 === 0 ? "skip" : "unsized";
}

/** The deal as created (webhooks off): unsized deals have no amount yet. */
export function seedDeal(i: number, ownerId: string, closeDate: number): DealSeed {
  const properties: Record<string, string> = {
    dealname: `Bench deal ${i}`, pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: ownerId,
    amount: String(1000 + (i % 40) * 500), closedate: String(closeDate), decision_maker: "CFO",
  };
  if (variantOf(i) === "unsized") delete properties.amount;
  return { properties, associations: { contacts: 1, companies: 1, line_items: 1 } };
}

function planDeal(dealId: string, i: number): Change[] {
  const edit = (k: number, value: string): Change => ({ dealId, kind: "edit", property: k % 2 === 0 ? "description" : "hs_next_step", value, violating: false });
  const move = (stage: string, violating = false): Change => ({ dealId, kind: "move", stage, violating });
  switch (variantOf(i)) {
    case "skip": {
      // Spread over the rounds (i alone is always a multiple of VIOLATING_EVERY: every skip landed in the first round,
      // so their latency was the cold start's — metadata, every deal first seen — not the revert's).
      const skipAt = (i / VIOLATING_EVERY) % CHANGES_PER_DEAL;
      return Array.from({ length: CHANGES_PER_DEAL }, (_, k) => (k === skipAt ? move("presentationscheduled", true) : edit(k, `step ${k} of deal ${i}`)));
    }
    case "unsized":
      return [move("qualifiedtobuy"), edit(0, `qualified ${i}`), move("presentationscheduled", true), edit(1, `send proposal ${i}`), edit(2, `waiting ${i}`)];
    case "compliant":
      return [move("qualifiedtobuy"), edit(0, `qualified ${i}`), move("presentationscheduled"), edit(1, `send proposal ${i}`), move("decisionmakerboughtin")];
  }
}

/** Each deal's five changes, grouped by round; deals interleave within a round like a real import burst. */
export function planChanges(dealIds: string[]): Change[][] {
  const rounds: Change[][] = Array.from({ length: CHANGES_PER_DEAL }, () => []);
  dealIds.forEach((dealId, i) => planDeal(dealId, i).forEach((c, k) => rounds[k]?.push(c)));
  for (const round of rounds) round.sort((a, b) => hash(a.dealId) - hash(b.dealId));
  return rounds;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** The shipped policy set as the Worker bundles it (policies/*.yaml against policies/portal.yaml). */
export function loadShippedPolicies(dir = path.join(process.cwd(), "policies")): { set: CompiledPolicySet; portal: PortalSchema } {
  const portal = readPortalSnapshot(dir);
  if (!portal.ok) throw new Error(portal.error);
  const loaded = loadPolicySet(readPolicyDir(dir).files, portal.value);
  if (!loaded.ok) throw new Error(`shipped policies don't load: ${loaded.error.map((e) => e.message).join("; ")}`);
  return { set: loaded.value, portal: portal.value };
}

/**
 * Replays the plan round by round on a model of each deal and evaluates every change with the shipped policies (mode
 * switched to enforce: every declared action is taken). A revert puts the model's stage back. Throws if a change
 * meant to comply violates, or a violating one doesn't — the plan itself would be wrong.
 */
export function expectOutcome(rounds: Change[][], seeds: Map<string, DealSeed & { ownerId: string; userId: string | number | undefined }>, now: number): Expectations {
  const { set, portal } = loadShippedPolicies();
  const state = new Map([...seeds].map(([id, s]) => [id, { ...s.properties }]));
  const out: Expectations = { violations: [], tasks: 0, finalStage: new Map(), reverted: new Set() };
  for (const round of rounds) {
    for (const c of round) {
      const seed = seeds.get(c.dealId);
      const old = state.get(c.dealId);
      if (seed === undefined || old === undefined) throw new Error(`no model for deal ${c.dealId}`);
      const next = { ...old, ...(c.kind === "move" && c.stage !== undefined ? { dealstage: c.stage } : c.property !== undefined ? { [c.property]: c.value ?? "" } : {}) };
      const spec = {
        dealId: c.dealId, old, new: next, owner: seed.ownerId, associations: seed.associations, occurredAt: now,
        ...(c.kind === "move" ? { from: old.dealstage ?? null, to: next.dealstage ?? null } : { to: old.dealstage ?? null }),
        actor: { userId: seed.userId ?? null, ownerId: seed.ownerId, isOwner: true, changeSource: "CRM_UI" },
      };
      const change = buildDealChange(spec, portal);
      if (!change.ok) throw new Error(change.error);
      const found = evaluateChange(set, change.value, { now }).violations;
      if (found.length > 0 !== c.violating) {
        throw new Error(`planned change on deal ${c.dealId} (${c.kind} ${c.stage ?? c.property ?? ""}) has ${found.length} violations: ${found.map((v) => v.ruleId).join(", ") || "none"}`);
      }
      for (const v of found) {
        const actions = v.actions.map((a) => a.type);
        out.violations.push({ dealId: c.dealId, ruleId: v.ruleId, actions });
        if (actions.includes("task")) out.tasks++;
        if (actions.includes("revert")) {
          next.dealstage = old.dealstage ?? next.dealstage ?? "";
          out.reverted.add(c.dealId);
        }
      }
      state.set(c.dealId, next);
    }
  }
  for (const v of out.violations) out.finalStage.set(v.dealId, state.get(v.dealId)?.dealstage ?? "");
  return out;
}
