// The "values" trace step: which values a violated rule read, and whether each was as of the change or current.
import { describe, expect, it } from "vitest";
import { evaluateChange } from "./evaluate";
import { makeChange, NOW, policyFile, TEST_PORTAL } from "./test-portal";
import { loadPolicySet } from "./load-set";
import type { DealChange, ValueOrigin } from "./types";

function compile(rules: string) {
  const set = loadPolicySet([policyFile(rules, "mode: enforce")], TEST_PORTAL);
  if (!set.ok) throw new Error(JSON.stringify(set.error));
  return set.value;
}

const rules = `
  - id: sized
    on: { stageEntered: Presentation Scheduled }
    require: [amount]
    assert: "has(new.closedate)"
    associations: { contacts: 1 }
    actions: [log]`;

/** A move into Presentation Scheduled with no amount, no close date and no contact. */
const unsized = makeChange({ new: { dealname: "Acme", dealstage: "presentationscheduled", hubspot_owner_id: "201" }, associations: { contacts: 0, companies: 0, line_items: 0 } });

describe("value origins in the trace", () => {
  it("names every value the rule read, with its origin; current ones are called out", () => {
    const origins: Record<string, ValueOrigin> = {
      amount: { origin: "as-of", reason: "not yet set" },
      closedate: { origin: "current", reason: "HubSpot returned no history for it" },
      "association:contacts": { origin: "as-of", reason: "association timeline" },
      dealname: { origin: "as-of", reason: "unread" },
    };
    const change: DealChange = { ...unsized, origins };
    const [violation] = evaluateChange(compile(rules), change, { now: NOW }).violations;
    const step = violation?.trace.find((s) => s.check === "values");
    expect(Object.keys(step?.values ?? {})).toEqual(["amount", "association:contacts", "closedate"]);
    expect(step?.detail).toBe("not as of the change: closedate (HubSpot returned no history for it)");
  });

  it("a change without origins (built by hand) gets no values step", () => {
    const change = unsized;
    const [violation] = evaluateChange(compile(rules), change, { now: NOW }).violations;
    expect(violation?.trace.some((s) => s.check === "values")).toBe(false);
  });
});
