// Property-based: evaluation never throws for any input shape, and every reported violation's trace, replayed from
// its recorded values alone, reproduces the verdict.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { POLICY_FILES, PORTAL_SNAPSHOT } from "../generated/policies";
import { evaluateChange, explainChange, loadPolicySet, recheckViolation, replayViolation } from "./index";
import type { CompiledPolicySet, DealChange } from "./types";

function shippedSet(): CompiledPolicySet {
  const result = loadPolicySet(POLICY_FILES, PORTAL_SNAPSHOT);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}
const set = shippedSet();
const stageIds = PORTAL_SNAPSHOT.pipelines.flatMap((p) => p.stages.map((s) => s.id));
const propertyNames = PORTAL_SNAPSHOT.properties.map((p) => p.name);

const rawValue = fc.oneof(
  fc.constant(null), fc.constant(""), fc.string(), fc.integer().map(String), fc.double().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom("true", "false", "60000", "2026-05-01"),
);
const values = fc.dictionary(fc.constantFrom(...propertyNames, "unknown_prop", "__proto__", "constructor"), rawValue);
const stage = fc.oneof({ arbitrary: fc.constantFrom(...stageIds), weight: 8 }, fc.constant(null), fc.string());

/** Well-typed changes with realistic values: these should exercise every rule. */
const dealChange: fc.Arbitrary<DealChange> = fc.record({
  dealId: fc.string(),
  kind: fc.constantFrom("created", "updated", "updated", "updated", "scan"),
  pipelineId: fc.oneof({ arbitrary: fc.constant("default"), weight: 8 }, fc.constantFrom(null, "other")),
  fromPipelineId: fc.constantFrom("default", null),
  fromStage: stage,
  toStage: stage,
  changedProperties: fc.array(fc.constantFrom(...propertyNames), { maxLength: 6 }),
  old: values,
  new: values,
  ownerId: fc.option(fc.constantFrom("201", "202")),
  ownerTeamIds: fc.array(fc.string(), { maxLength: 2 }),
  actor: fc.record({
    userId: fc.option(fc.constantFrom("101", "9911", "7")),
    ownerId: fc.option(fc.constantFrom("201", "202")),
    teamIds: fc.array(fc.string(), { maxLength: 2 }),
    isDealOwner: fc.boolean(),
    isManager: fc.boolean(),
    changeSource: fc.constantFrom("CRM_UI", "CRM_UI_BULK_ACTION", "IMPORT", "WORKFLOW", "INTEGRATION", "API", "HUBSPOT_INTERNAL", "x"),
    sourceId: fc.option(fc.string()),
  }),
  associations: fc.record({ contacts: fc.nat(3), companies: fc.nat(3), line_items: fc.nat(3) }),
  occurredAt: fc.integer(),
  // Entry into the current stage (days in stage): sometimes unknown, sometimes months before `now`.
  stageEnteredAt: fc.option(fc.integer({ min: Date.UTC(2024, 6, 1), max: Date.UTC(2028, 0, 1) })),
});

describe("evaluation is total", () => {
  it("never throws for any deal shape — including garbage that ignores the type", () => {
    fc.assert(
      fc.property(fc.oneof(dealChange, fc.anything() as fc.Arbitrary<unknown>), fc.oneof(fc.double(), fc.integer()), (change, now) => {
        const evaluation = evaluateChange(set, change as DealChange, { now });
        expect(Array.isArray(evaluation.violations)).toBe(true);
        expect(evaluation.errors).toBeUndefined();
        explainChange(set, change as DealChange, { now });
        recheckViolation(set, { policyId: "entry-criteria", ruleId: "qualified-needs-contact", toStage: "qualifiedtobuy" }, change as DealChange, { now });
      }),
      { numRuns: 400 },
    );
  });

  it("never throws when the options or the set are malformed", () => {
    expect(evaluateChange(set, {} as DealChange, {} as { now: number }).violations).toEqual([]);
    expect(evaluateChange({ kind: "CompiledPolicySet", version: "x", portal: PORTAL_SNAPSHOT, policies: [] }, {} as DealChange, { now: 0 })).toEqual({ violations: [], evaluated: [] });
  });
});

describe("traces explain their verdicts", () => {
  it("each violation's failed steps, recomputed from the recorded values, fail again", () => {
    let seen = 0;
    fc.assert(
      fc.property(dealChange, fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }), (change, now) => {
        for (const violation of evaluateChange(set, change, { now }).violations) {
          seen++;
          expect(violation.trace.some((s) => !s.passed)).toBe(true);
          expect(replayViolation(set, violation)).toBe(true);
        }
      }),
      { numRuns: 600 },
    );
    expect(seen).toBeGreaterThan(100);
  });

  it("a violation is reproducible: evaluating the same change again gives the same result", () => {
    fc.assert(
      fc.property(dealChange, (change) => {
        expect(evaluateChange(set, change, { now: 1 })).toEqual(evaluateChange(set, structuredClone(change), { now: 1 }));
      }),
      { numRuns: 100 },
    );
  });
});
