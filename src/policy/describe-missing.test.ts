import { describe, expect, it } from "vitest";
import { POLICY_FILES, PORTAL_SNAPSHOT } from "../generated/policies";
import { buildDealChange, describeMissing, evaluateChange, loadPolicySet } from "./index";

describe("describeMissing", () => {
  it("uses the portal's labels and words association requirements", () => {
    const labels = new Map([["amount", "Amount"], ["closedate", "Close Date"]]);
    expect(describeMissing(["amount", "closedate", "association:contacts"], (n) => labels.get(n))).toBe("Amount, Close Date and an associated contact");
    // A property the portal no longer describes still reads as words, not as its internal name.
    expect(describeMissing(["decision_maker", "hs_next_step", "closedate"])).toBe("Decision maker, Next step and Close Date");
    expect(describeMissing([])).toBe("");
  });

  it("is what {{missing}} renders in a rule's message, while `missing` stays machine-readable", () => {
    const set = loadPolicySet(POLICY_FILES, PORTAL_SNAPSHOT);
    if (!set.ok) throw new Error("shipped set did not compile");
    const change = buildDealChange(
      { from: "Decision Maker Bought-In", to: "Contract Sent", old: { dealname: "Acme", decision_maker: "Dana" } },
      PORTAL_SNAPSHOT,
    );
    if (!change.ok) throw new Error(change.error);
    const v = evaluateChange(set.value, change.value, { now: Date.UTC(2026, 5, 1) }).violations.find(
      (x) => x.ruleId === "contract-needs-decision-maker-and-next-step",
    );
    expect(v?.missing).toEqual(["hs_next_step", "association:companies"]);
    expect(v?.message).toContain("Next step and an associated company");
  });
});
