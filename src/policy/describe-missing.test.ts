import { describe, expect, it } from "vitest";
import { POLICY_FILES, PORTAL_SNAPSHOT } from "../generated/policies";
import { buildDealChange, describeMissing, evaluateChange, loadPolicySet } from "./index";

describe("describeMissing", () => {
  it("keeps property names and words association requirements", () => {
    expect(describeMissing(["amount", "association:contacts", "association:line_items"])).toBe(
      "amount, an associated contact, an associated line item",
    );
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
    expect(v?.message).toContain("hs_next_step, an associated company");
  });
});
