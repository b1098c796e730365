// The governance values of a deal from its recorded facts, and which differences are worth a write.
import { describe, expect, it } from "vitest";
import { computeGovernanceValues, governanceChanged, governanceEssential, sameGovernanceValue, toHubSpotProperties, CHECK_REFRESH_MS, type GovernanceFacts } from ".";

const NOW = Date.UTC(2026, 11, 1, 12);
const facts = (f: Partial<GovernanceFacts>): GovernanceFacts => ({ open: [], latest: null, excepted: false, ...f });

describe("computeGovernanceValues", () => {
  it.each([
    { name: "never broke a rule", f: facts({}), status: "compliant", open: 0, rules: "", last: null },
    { name: "two open violations, rules in order, deduplicated", f: facts({ open: [{ id: "b", message: "Fill amount", occurredAt: NOW - 1 }, { id: "a", message: "Stage skipped", occurredAt: NOW - 5 }, { id: "c", message: "Fill amount", occurredAt: NOW - 2 }], latest: { id: "b", occurredAt: NOW - 1, resolvedBy: null } }), status: "open_violation", open: 3, rules: "Stage skipped\nFill amount", last: NOW - 1 },
    { name: "latest violation undone by the engine", f: facts({ latest: { id: "a", occurredAt: NOW - 9, resolvedBy: "engine:revert" } }), status: "reverted", open: 0, rules: "", last: NOW - 9 },
    { name: "fixed by the rep", f: facts({ latest: { id: "a", occurredAt: NOW - 9, resolvedBy: "userId:7" } }), status: "compliant", open: 0, rules: "", last: NOW - 9 },
    { name: "let through by an exception", f: facts({ excepted: true }), status: "exception", open: 0, rules: "", last: null },
    { name: "an open violation outranks an exception", f: facts({ excepted: true, open: [{ id: "a", message: "x", occurredAt: NOW }] }), status: "open_violation", open: 1, rules: "x", last: NOW },
  ])("$name", ({ f, status, open, rules, last }) => {
    expect(computeGovernanceValues(f, NOW)).toEqual({ status, openViolations: open, openRules: rules, lastViolationAt: last, lastCheckedAt: NOW });
  });

  it("writes HubSpot strings: ISO datetimes, an empty string clears", () => {
    expect(toHubSpotProperties(computeGovernanceValues(facts({}), NOW))).toEqual({
      governance_status: "compliant", governance_open_violations: "0", governance_open_rules: "", governance_last_violation_at: "", governance_last_checked_at: new Date(NOW).toISOString(),
    });
  });
});

describe("what is worth a write", () => {
  const open = computeGovernanceValues(facts({ open: [{ id: "a", message: "x", occurredAt: NOW - 1 }] }), NOW);
  const compliant = computeGovernanceValues(facts({}), NOW);
  it("a first compliant rides along; a first open violation is essential", () => {
    expect(governanceEssential(undefined, compliant)).toBe(false);
    expect(governanceEssential(undefined, open)).toBe(true);
    expect(governanceChanged(undefined, compliant)).toBe(true);
  });
  it("the same values an hour later: nothing; a day later: only the check refresh, not essential", () => {
    expect(governanceChanged(open, { ...open, lastCheckedAt: NOW + 3600_000 })).toBe(false);
    expect(governanceChanged(open, { ...open, lastCheckedAt: NOW + CHECK_REFRESH_MS })).toBe(true);
    expect(governanceEssential(open, { ...open, lastCheckedAt: NOW + CHECK_REFRESH_MS })).toBe(false);
    expect(governanceEssential(open, compliant)).toBe(true);
  });
  it("compares HubSpot's values as instants and numbers", () => {
    expect(sameGovernanceValue("governance_last_checked_at", String(NOW), new Date(NOW).toISOString())).toBe(true);
    expect(sameGovernanceValue("governance_open_violations", "2.0", "2")).toBe(true);
    expect(sameGovernanceValue("governance_status", "exception", "compliant")).toBe(false);
    expect(sameGovernanceValue("governance_open_rules", null, "")).toBe(true);
  });
});
