// Remediation re-checks, what the set reads (properties/associations), and trace replay's ability to fail.
import { describe, expect, it } from "vitest";
import { countingRules, evaluateChange, expressionAssociations, loadPolicySet, neededAssociations, recheckViolation, replayViolation, requiredProperties } from "./index";
import { makeChange, NOW, policyFile, TEST_PORTAL } from "./test-portal";
import type { CompiledPolicySet, DealChange } from "./types";

const result = loadPolicySet([policyFile(`
  - id: contract-fields
    on: { stageEntered: Contract Sent }
    require: [hs_next_step]
    associations: { companies: 1 }
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
  - id: pushed
    on: { propertyChanged: closedate }
    when: has(old.closedate) && has(new.closedate)
    assert: new.closedate <= old.closedate
  - id: scan-close-date
    on: { scan: true }
    assert: "!has(new.closedate) || new.closedate >= startOfDay(now)"`)], TEST_PORTAL);
if (!result.ok) throw new Error(JSON.stringify(result.error));
const set: CompiledPolicySet = result.value;

/** The deal as it stands now, in `stage`. */
const current = (stage: string, values: Record<string, string | null> = {}, extra: Partial<DealChange> = {}): DealChange => {
  const base = makeChange({ kind: "scan", fromStage: null, toStage: stage, changedProperties: [] });
  return { ...base, new: { ...base.new, dealstage: stage, ...values }, ...extra };
};

describe("recheckViolation", () => {
  const ref = { policyId: "test-policy", ruleId: "contract-fields", toStage: "contractsent" };
  it("stays open while the entry requirements are still unmet in that stage", () => {
    expect(recheckViolation(set, ref, current("contractsent", { hs_next_step: null }), { now: NOW })).toBe(false);
    expect(recheckViolation(set, ref, current("contractsent", { hs_next_step: "Call CFO" }, { associations: { contacts: 1, companies: 0, line_items: 0 } }), { now: NOW })).toBe(false);
  });
  it("resolves once the requirements are met", () => {
    expect(recheckViolation(set, ref, current("contractsent", { hs_next_step: "Call CFO" }), { now: NOW })).toBe(true);
  });
  it("resolves when the deal left the violating stage", () => {
    expect(recheckViolation(set, ref, current("decisionmakerboughtin", { hs_next_step: null }), { now: NOW })).toBe(true);
  });
  it("a past move (transition or move assertion) resolves only by leaving the stage", () => {
    const skip = { policyId: "test-policy", ruleId: "no-skip", toStage: "contractsent" };
    expect(recheckViolation(set, skip, current("contractsent"), { now: NOW })).toBe(false);
    expect(recheckViolation(set, skip, current("decisionmakerboughtin"), { now: NOW })).toBe(true);
    expect(recheckViolation(set, { policyId: "test-policy", ruleId: "pushed", toStage: null }, current("contractsent"), { now: NOW })).toBe(false);
  });
  it("state conditions are re-evaluated with the passed-in now", () => {
    const scan = { policyId: "test-policy", ruleId: "scan-close-date", toStage: null };
    expect(recheckViolation(set, scan, current("contractsent", { closedate: "2026-05-01" }), { now: NOW })).toBe(false);
    expect(recheckViolation(set, scan, current("contractsent", { closedate: "2026-09-01" }), { now: NOW })).toBe(true);
  });
  it("a rule that no longer exists counts as resolved", () => {
    expect(recheckViolation(set, { policyId: "test-policy", ruleId: "gone", toStage: null }, current("contractsent"), { now: NOW })).toBe(true);
  });
});

describe("what the set reads", () => {
  it("lists the deal properties and association kinds the policies use", () => {
    expect(requiredProperties(set)).toEqual(["closedate", "dealname", "dealstage", "hs_next_step", "hubspot_owner_id", "pipeline"]);
    expect(neededAssociations(set)).toEqual(["companies"]);
    expect(expressionAssociations(set)).toEqual([]);
  });
  it("counts the association kinds an expression reads, and says an expression reads them", () => {
    const loaded = loadPolicySet([policyFile(`
  - id: few-line-items
    on: { stageEntered: Contract Sent }
    assert: deal.lineItems <= 5 && deal.contacts != 2`)], TEST_PORTAL);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    expect(neededAssociations(loaded.value)).toEqual(["contacts", "line_items"]);
    expect(expressionAssociations(loaded.value)).toEqual(["contacts", "line_items"]);
  });
});

describe("countingRules", () => {
  const ruleIds = (s: CompiledPolicySet) => s.policies.flatMap((p) => p.rules.map((r) => `${p.id}/${r.id}`));
  it("keeps only the rules whose verdict can turn on an association count", () => {
    expect(ruleIds(countingRules(set))).toEqual(["test-policy/contract-fields"]);
    // The cut-down set judges those rules as the whole set does.
    const change = makeChange({ fromStage: "decisionmakerboughtin", toStage: "contractsent", associations: { contacts: 0, companies: 0, line_items: 0 } });
    const ids = (s: CompiledPolicySet) => evaluateChange(s, change, { now: NOW }).violations.map((v) => v.ruleId);
    expect(ids(countingRules(set))).toEqual(["contract-fields"]);
    expect(ids(set)).toContain("contract-fields");
  });
  it("keeps a rule whose expression reads a count, and every rule of a policy whose scope does", () => {
    const loaded = loadPolicySet([
      policyFile(`
  - id: few-line-items
    on: { stageEntered: Contract Sent }
    assert: deal.lineItems <= 5
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }`),
      policyFile(`
  - id: no-skip-when-staffed
    on: { stageChanged: true }
    transition: { maxSkip: 0 }`, "scope:\n  when: deal.contacts > 1", "scoped", "policies/scoped.yaml"),
    ], TEST_PORTAL);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    expect(ruleIds(countingRules(loaded.value)).sort()).toEqual(["scoped/no-skip-when-staffed", "test-policy/few-line-items"]);
  });
});

describe("trace replay", () => {
  it("fails when the recorded values would not have violated the rule", () => {
    const change = makeChange({ fromStage: "decisionmakerboughtin", toStage: "contractsent", associations: { contacts: 0, companies: 1, line_items: 0 } });
    const violation = evaluateChange(set, change, { now: NOW }).violations.find((v) => v.ruleId === "contract-fields");
    expect(violation).toBeDefined();
    if (violation === undefined) return;
    expect(replayViolation(set, violation)).toBe(true);
    const forged = { ...violation, trace: violation.trace.map((s) => (s.check === "require" ? { ...s, values: { ...s.values, value: "Call CFO" } } : s)) };
    expect(replayViolation(set, forged)).toBe(false);
  });
});
