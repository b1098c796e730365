// The shipped policy set, as the Worker gets it (src/generated/policies.ts): it compiles, it is all audit mode,
// every rule is covered by policies/tests (checked by `npm run policies -- test`), and versions are content hashes.
import { describe, expect, it } from "vitest";
import { POLICY_FILES, POLICY_SET_VERSION, PORTAL_SNAPSHOT } from "../generated/policies";
import { addBusinessDays, buildDealChange, evaluateChange, hashText, loadPolicySet } from "./index";
import { sha256Hex } from "../sha256";

describe("the shipped policy set", () => {
  const result = loadPolicySet(POLICY_FILES, PORTAL_SNAPSHOT);
  it("compiles against the portal snapshot, 15–20 rules, all in audit mode", () => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const rules = result.value.policies.flatMap((p) => p.rules);
    expect(rules.length).toBeGreaterThanOrEqual(15);
    expect(rules.length).toBeLessThanOrEqual(20);
    expect(new Set(rules.map((r) => r.mode))).toEqual(new Set(["audit"]));
    expect(result.value.version).toBe(POLICY_SET_VERSION);
  });
  it("stamps each violation with its file's content hash", () => {
    if (!result.ok) throw new Error("set did not compile");
    const change = buildDealChange({ from: "Appointment Scheduled", to: "Contract Sent", old: { dealname: "Acme", amount: "1000" } }, PORTAL_SNAPSHOT);
    if (!change.ok) throw new Error(change.error);
    const violations = evaluateChange(result.value, change.value, { now: Date.UTC(2026, 5, 1) }).violations;
    const skip = violations.find((v) => v.ruleId === "no-stage-skipping");
    const file = POLICY_FILES.find((f) => f.path.endsWith("stage-discipline.yaml"));
    expect(skip?.policyVersion).toBe(hashText(file?.text ?? ""));
  });
});

describe("change specs", () => {
  it("read a stage given as old/new dealstage like from/to", () => {
    const byProperty = buildDealChange({ old: { dealstage: "Appointment Scheduled" }, new: { dealstage: "Contract Sent" } }, PORTAL_SNAPSHOT);
    const byField = buildDealChange({ from: "Appointment Scheduled", to: "Contract Sent" }, PORTAL_SNAPSHOT);
    expect(byProperty.ok && byProperty.value.fromStage).toBe("appointmentscheduled");
    expect(byProperty.ok && byProperty.value.toStage).toBe("contractsent");
    expect(byProperty.ok && byProperty.value.changedProperties).toEqual(byField.ok && byField.value.changedProperties);
  });
});

describe("pure helpers", () => {
  it("sha256 matches the standard vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("a".repeat(1000))).toBe("41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
    expect(sha256Hex("é✓")).toBe("1e77cb71920ad52885fab06465a5fcf2e5f98c0382aab36202689431b93b9fb3");
    // Padding boundaries: 55 bytes fit one block, 56 need two.
    expect(sha256Hex("x".repeat(55))).toBe("d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
    expect(sha256Hex("x".repeat(56))).toBe("04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
    expect(sha256Hex("x".repeat(64))).toBe("7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
  });
  it("business days skip weekends", () => {
    const friday = Date.UTC(2026, 5, 5, 9);
    expect(new Date(addBusinessDays(friday, 1)).toISOString()).toBe("2026-06-08T09:00:00.000Z");
    expect(new Date(addBusinessDays(friday, 5)).toISOString()).toBe("2026-06-12T09:00:00.000Z");
    expect(addBusinessDays(friday, 0)).toBe(friday);
  });
});
