// A skip made good by meeting the skipped stages' entry criteria (issue 16): table-driven over where the deal is, what
// it has, and who made the change — never by moving further on, never by a stage without criteria.
import { describe, expect, it } from "vitest";
import { loadPolicySet, recheckViolation } from "./index";
import { skippedStagesMet } from "./skipped-criteria";
import { makeChange, NOW, policyFile, TEST_PORTAL } from "./test-portal";
import type { CompiledPolicySet, DealChange, ViolationRef } from "./types";

const RULES = `
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
  - id: no-skip-or-back
    on: { stageChanged: true }
    transition: { maxSkip: 0, backward: deny }
  - id: won-is-final
    on: { stageExited: Closed Won }
    transition: { terminal: [{ stage: Closed Won, allowedTo: [Closed Lost] }] }
  - id: qualified-needs-contact
    on: { stageEntered: Qualified To Buy }
    associations: { contacts: 1 }
    exempt:
      - sources: [import]
  - id: sized-before-presentation
    on: { stageEntered: [Presentation Scheduled, Decision Maker Bought-In] }
    require: [amount, closedate]
  - id: amount-positive
    on: { stageEntered: Presentation Scheduled }
    when: has(new.amount)
    assert: new.amount > 0.0
  - id: contract-needs-next-step
    on: { stageEntered: Contract Sent }
    require: [hs_next_step]`;

function compile(rules: string): CompiledPolicySet {
  const loaded = loadPolicySet([policyFile(rules, "scope: { pipelines: [default] }")], TEST_PORTAL);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  return loaded.value;
}
const set = compile(RULES);
// The same skip rule, but nothing asks anything of Qualified To Buy.
const withoutQualifiedCriteria = compile(RULES.replace(/ {2}- id: qualified-needs-contact[\s\S]*?import\]\n/, ""));

const FULL = { amount: "5000", closedate: "2026-07-01", hs_next_step: "Call the CFO" };
const CONTACT = { contacts: 1, companies: 0, line_items: 0 };
const NONE = { contacts: 0, companies: 0, line_items: 0 };

const EMPTY = { amount: null, closedate: null, hs_next_step: null };

/**
 * The deal as a later change by the owner in the UI leaves it: in `stage`, with `values` and `associations` — a change
 * that filled those values and added those associations (just before it the deal had none of them).
 */
function dealAt(stage: string, values: Record<string, string | null>, associations = CONTACT, extra: Partial<DealChange> = {}): DealChange {
  const base = makeChange({ changedProperties: ["amount", "closedate", "hs_next_step"], fromStage: null, toStage: stage, associations, associationsBefore: NONE, ...extra });
  return { ...base, old: { ...base.old, dealstage: extra.fromStage ?? stage, ...EMPTY }, new: { ...base.new, dealstage: stage, ...EMPTY, ...values } };
}

/** A move back from `stage` that changes nothing else. */
const movedBackFrom = (stage: string): Partial<DealChange> => ({ fromStage: stage, associationsBefore: CONTACT, changedProperties: ["dealstage"] });
const skip = (ruleId: string, from: string, to: string): ViolationRef => ({ policyId: "test-policy", ruleId, fromStage: from, toStage: to, fromPipelineId: "default" });
const A = "appointmentscheduled";
const P = "presentationscheduled";
const D = "decisionmakerboughtin";
const C = "contractsent";

describe("a skip is resolved by the skipped stages' entry criteria", () => {
  it.each<[string, CompiledPolicySet, ViolationRef, DealChange, boolean]>([
    ["A→P, the skipped Qualified To Buy's contact is now there", set, skip("no-skip", A, P), dealAt(P, FULL), true],
    ["A→P, still no contact", set, skip("no-skip", A, P), dealAt(P, FULL, NONE), false],
    ["A→D, Qualified and Presentation criteria both met", set, skip("no-skip", A, D), dealAt(D, FULL), true],
    ["A→D, Presentation's amount still missing", set, skip("no-skip", A, D), dealAt(D, { ...FULL, amount: null }), false],
    ["A→D, an amount of 0 fails Presentation's assertion", set, skip("no-skip", A, D), dealAt(D, { ...FULL, amount: "0" }), false],
    ["A→D, criteria met but the deal moved further on to Contract Sent", set, skip("no-skip", A, D), dealAt(C, FULL), false],
    ["A→D without an amount, moved back to Presentation: only Qualified is still skipped, and it is met", set, skip("no-skip", A, D), dealAt(P, { ...FULL, amount: null }, CONTACT, movedBackFrom(D)), true],
    ["A→D with everything, moved back to Presentation: the criteria were met before the move too", set, skip("no-skip", A, D), dealAt(P, FULL, CONTACT, movedBackFrom(D)), false],
    ["A→D, moved back to Presentation without a contact", set, skip("no-skip", A, D), dealAt(P, FULL, NONE), false],
    ["A→P, criteria already met just before: an unrelated edit is no fix", set, skip("no-skip", A, P), dealAt(P, FULL, CONTACT, { changedProperties: ["description"], associationsBefore: CONTACT }), false],
    ["A→P, the contact Qualified asks for added by this change (an association change)", set, skip("no-skip", A, P), dealAt(P, FULL, CONTACT, { changedProperties: [] }), true],
    ["A→P, the contact was there before but the change filled nothing the stages ask for", set, skip("no-skip", A, P), dealAt(P, FULL, CONTACT, { changedProperties: [], associationsBefore: undefined }), false],
    ["A→P, the deal as it is now (nothing changed) never makes it good", set, skip("no-skip", A, P), dealAt(P, FULL, CONTACT, { kind: "scan", changedProperties: [], associationsBefore: undefined }), false],
    ["A→P where Qualified To Buy has no criteria: only going back through it makes good", withoutQualifiedCriteria, skip("no-skip", A, P), dealAt(P, FULL), false],
    ["A→P, the change was an import, exempt from Qualified's only rule: nothing was met", set, skip("no-skip", A, P), dealAt(P, FULL, CONTACT, { actor: { ...makeChange().actor, userId: null, changeSource: "IMPORT", sourceId: null } }), false],
    ["a rule with a skip limit and a backward ban, criteria met", set, skip("no-skip-or-back", A, P), dealAt(P, FULL), true],
    ["leaving Closed Won is no skip: criteria never make it good", set, skip("won-is-final", "closedwon", D), dealAt(D, FULL), false],
  ])("%s", (_name, policies, ref, current, resolved) => {
    expect(recheckViolation(policies, ref, current, { now: NOW })).toBe(resolved);
  });

  it("is only about skips: back at the anchor is moveComplies' answer, not this one", () => {
    expect(skippedStagesMet(set, skip("no-skip", A, P), { stageId: A, pipelineId: "default" }, dealAt(A, FULL), { now: NOW })).toBe(false);
    expect(recheckViolation(set, skip("no-skip", A, P), dealAt(A, FULL), { now: NOW })).toBe(true);
  });

  it("says nothing about a deal now in another pipeline (the move rule's own check decides that)", () => {
    const elsewhere = dealAt("1002", FULL, CONTACT, { pipelineId: "7654321" });
    expect(skippedStagesMet(set, skip("no-skip", A, P), { stageId: A, pipelineId: "default" }, elsewhere, { now: NOW })).toBe(false);
  });

  it("never throws on a malformed change", () => {
    expect(skippedStagesMet(set, skip("no-skip", A, P), { stageId: A, pipelineId: null }, {} as DealChange, { now: NOW })).toBe(false);
  });
});
