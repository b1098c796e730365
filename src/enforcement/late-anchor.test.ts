// A move delivered late, made while a stage-move violation still stood, is judged from that violation's anchor even if
// an earlier run had already resolved the violation from the deal as it was by then (found by the oracle test).
import { describe, expect, it } from "vitest";
import { evaluateSnapshot } from "./evaluate";
import { compile, dealRecord, event, NOW, snapshotOf } from "./test-snapshot";

const S = 1_000;
const set = compile(`
  - id: no-stage-skipping
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "skipped"
    actions: [task, revert]`);

function skipsOf(resolvedLater: Array<{ resolvedAt: number }>): string[][] {
  // Skip Qualified To Buy → Contract Sent at −30 s; the deal went back to Qualified To Buy at −5 s (an earlier run
  // resolved the skip from the deal as it was then); the move Contract Sent → Decision Maker Bought-In made at −20 s
  // arrives only now.
  const skip = { id: "v1", policyId: "test-policy", ruleId: "no-stage-skipping", toStage: "contractsent", fromStage: "qualifiedtobuy", fromPipelineId: "default", occurredAt: NOW - 30 * S };
  const snapshot = snapshotOf({
    events: [event({ propertyValue: "decisionmakerboughtin", occurredAt: NOW - 20 * S })],
    deal: dealRecord([["qualifiedtobuy", NOW - 60 * S], ["contractsent", NOW - 30 * S], ["decisionmakerboughtin", NOW - 20 * S], ["qualifiedtobuy", NOW - 5 * S]]),
    set,
    resolvedLater: resolvedLater.map((r) => ({ ...skip, ...r })),
  });
  const detected = evaluateSnapshot(snapshot.live, { modeOverride: null }).flatMap((e) => e.detected);
  return detected.filter((d) => d.violation.ruleId === "no-stage-skipping").map((d) => [d.built.change.fromStage ?? "-", d.built.change.toStage ?? "-"]);
}

describe("a late move made while a violation still stood", () => {
  it("is a skip from the violation's anchor when the violation was resolved after the move", () => {
    expect(skipsOf([{ resolvedAt: NOW - 4 * S }])).toEqual([["qualifiedtobuy", "decisionmakerboughtin"]]);
  });

  it("is judged as it is when the violation was resolved before the move", () => {
    expect(skipsOf([{ resolvedAt: NOW - 25 * S }])).toEqual([]);
  });
});
