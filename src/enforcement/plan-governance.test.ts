// The governance writes' share of the HubSpot budget, without a runtime: values that changed for managers are
// always written; a first "compliant" or a check refresh only fills the room left in the batch calls those make.
import { describe, expect, it } from "vitest";
import { computeGovernanceValues, GOVERNANCE_BATCH_LIMIT, type GovernanceFacts } from "../governance";
import { evaluateSnapshot } from "./evaluate";
import { planGovernance, withinEssentialCalls, type GovernanceIntent } from "./plan-governance";
import { compile, dealRecord, emptyGovernance, event, NOW, snapshotOf } from "./test-snapshot";

const S = 1_000;
const NO_FACTS: GovernanceFacts = { open: [], latest: null, excepted: false };

function intent(dealId: string, essential: boolean): GovernanceIntent {
  return { dealId, values: computeGovernanceValues(NO_FACTS, NOW), ifRevertFails: null, revertIds: [], force: false, essential };
}

function intents(essential: number, other: number): GovernanceIntent[] {
  // Interleaved, so the order of the plan's deals can't decide which ones are kept.
  const out: GovernanceIntent[] = [];
  for (let i = 0; i < Math.max(essential, other); i++) {
    if (i < other) out.push(intent(`o${i}`, false));
    if (i < essential) out.push(intent(`e${i}`, true));
  }
  return out;
}

const calls = (n: number) => Math.ceil(n / GOVERNANCE_BATCH_LIMIT);

describe("governance writes within the essential calls", () => {
  it.each([
    { essential: 0, other: 250, written: 0 },
    { essential: 1, other: 0, written: 1 },
    { essential: 1, other: 250, written: 100 },
    { essential: 3, other: 5, written: 8 },
    { essential: 100, other: 50, written: 100 },
    { essential: 101, other: 250, written: 200 },
    { essential: 250, other: 0, written: 250 },
  ])("$essential essential and $other riding along → $written written", ({ essential, other, written }) => {
    const kept = withinEssentialCalls(intents(essential, other));
    expect(kept).toHaveLength(written);
    // Every essential write is kept, and the ride-alongs never cost a call of their own.
    expect(kept.filter((w) => w.essential)).toHaveLength(essential);
    expect(calls(kept.length)).toBe(calls(essential));
    expect(new Set(kept.map((w) => w.dealId)).size).toBe(kept.length);
  });
});

describe("governance writes beside the run's reverts", () => {
  // The values ride in the reverts' batch update, one input per deal: the ride-alongs fill what the union leaves.
  it.each([
    { reverts: 10, revertsWithValues: 10, essential: 0, other: 250, written: 100 },
    { reverts: 10, revertsWithValues: 0, essential: 0, other: 250, written: 90 },
    { reverts: 10, revertsWithValues: 10, essential: 5, other: 250, written: 100 },
    { reverts: 1, revertsWithValues: 1, essential: 99, other: 250, written: 100 },
    { reverts: 2, revertsWithValues: 2, essential: 99, other: 250, written: 200 },
  ])("$reverts reverts ($revertsWithValues with values), $essential essential, $other riding along → $written written", ({ reverts, revertsWithValues, essential, other, written }) => {
    const revertDeals = new Set(Array.from({ length: reverts }, (_, i) => `r${i}`));
    const own = Array.from({ length: revertsWithValues }, (_, i) => intent(`r${i}`, true));
    const kept = withinEssentialCalls([...own, ...intents(essential, other)], revertDeals);
    expect(kept).toHaveLength(written);
    const inputs = new Set([...kept.map((w) => w.dealId), ...revertDeals]).size;
    // Never a call more than the reverts and the essential values need on their own.
    expect(calls(inputs)).toBe(calls(new Set([...revertDeals, ...kept.filter((w) => w.essential).map((w) => w.dealId)]).size));
    expect(inputs % GOVERNANCE_BATCH_LIMIT).toBe(0);
  });
});

describe("the governance plan of a big batch", () => {
  it("writes the deal whose status changed and at most one call's worth of first 'compliant' values", () => {
    const snapshot = snapshotOf({
      events: [event({ propertyValue: "qualifiedtobuy", occurredAt: NOW - 10 * S })],
      deal: dealRecord([["appointmentscheduled", NOW - 20 * S], ["qualifiedtobuy", NOW - 10 * S]]),
      set: compile(`
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "skipped a stage"
    actions: [task]`),
    });
    const [evaluation] = evaluateSnapshot(snapshot.live, { modeOverride: null });
    if (evaluation === undefined) throw new Error("no evaluation");
    // 250 deals in the batch, none written before; deal d7 has an open violation recorded in an earlier run.
    const evaluations = Array.from({ length: 250 }, (_, i) => ({ ...evaluation, dealId: `d${i}` }));
    const facts = new Map([["d7", { open: [{ id: "v1", message: "skipped a stage", occurredAt: NOW - 60 * S }], latest: { id: "v1", occurredAt: NOW - 60 * S, resolvedBy: null }, excepted: false }]]);
    const plan = planGovernance({ governance: { ...emptyGovernance(), facts }, evaluations, violations: [], resolutions: [], reverts: [], now: NOW });

    expect(plan.writes).toHaveLength(GOVERNANCE_BATCH_LIMIT);
    expect(plan.writes[0]).toMatchObject({ dealId: "d7", essential: true, values: { status: "open_violation", openViolations: 1 } });
    expect(plan.writes.slice(1).every((w) => !w.essential && w.values.status === "compliant")).toBe(true);
  });
});
