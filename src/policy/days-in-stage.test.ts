// deal.daysInStage: calendar days since the deal entered its current stage, at the evaluation's `now`.
import { describe, expect, it } from "vitest";
import { evaluateChange, loadPolicySet, recheckViolation, replayViolation } from "./index";
import { makeChange, NOW, policyFile, TEST_PORTAL } from "./test-portal";

const DAY = 86_400_000;
const loaded = loadPolicySet([policyFile(`
  - id: stale
    on: { scan: true }
    inStages: [Contract Sent]
    when: has(deal.daysInStage) && deal.daysInStage > 21.0
    require: [hs_next_step]
    message: "{{new.dealname}}: {{deal.daysInStage}} days in {{change.to.label}}"`)], TEST_PORTAL);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
const set = loaded.value;
const scan = (stageEnteredAt: number | null, extra: Record<string, string | null> = {}) =>
  makeChange({ kind: "scan", fromStage: null, toStage: "contractsent", changedProperties: [], stageEnteredAt, new: { dealname: "Acme", ...extra }, old: { dealname: "Acme", ...extra } });

describe("deal.daysInStage", () => {
  it("counts calendar days, with the fraction: just over 21 days is stale, exactly 21 is not", () => {
    expect(evaluateChange(set, scan(NOW - 21 * DAY - 1), { now: NOW }).violations.map((v) => v.ruleId)).toEqual(["stale"]);
    expect(evaluateChange(set, scan(NOW - 21 * DAY), { now: NOW }).violations).toEqual([]);
  });

  it("renders whole days in messages and records the value in the trace, which replays", () => {
    const [v] = evaluateChange(set, scan(NOW - 25.6 * DAY), { now: NOW }).violations;
    expect(v?.message).toBe("Acme: 25 days in Contract Sent");
    expect(v?.trace.find((s) => s.check === "when")?.values["deal.daysInStage"]).toBeCloseTo(25.6);
    if (v !== undefined) expect(replayViolation(set, v)).toBe(true);
  });

  it("is absent when the stage's entry is unknown: the rule doesn't guess", () => {
    expect(evaluateChange(set, scan(null), { now: NOW }).violations).toEqual([]);
  });

  it("a finding stays open while the deal sits there and is fixed by the next step", () => {
    const ref = { policyId: "test-policy", ruleId: "stale", toStage: "contractsent" };
    expect(recheckViolation(set, ref, scan(NOW - 30 * DAY), { now: NOW })).toBe(false);
    expect(recheckViolation(set, ref, scan(NOW - 30 * DAY, { hs_next_step: "Call legal" }), { now: NOW })).toBe(true);
  });
});
