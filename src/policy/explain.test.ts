// A rule's `explain`: one plain sentence that reps and managers read instead of its CEL — validated at check time,
// used in `{{failures}}`, in the default message and in the trace; without it, the description, never the CEL.
import { describe, expect, it } from "vitest";
import { evaluateChange, loadPolicySet } from "./index";
import { makeChange, NOW, policyFile, TEST_PORTAL } from "./test-portal";
import type { PolicyError } from "./types";

function errorsOf(rules: string): PolicyError[] {
  const result = loadPolicySet([policyFile(rules)], TEST_PORTAL);
  return result.ok ? [] : result.error;
}

function violationOf(rules: string) {
  const result = loadPolicySet([policyFile(rules)], TEST_PORTAL);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return evaluateChange(result.value, makeChange({ fromStage: "decisionmakerboughtin", toStage: "contractsent" }), { now: NOW }).violations[0];
}

describe("explain", () => {
  it("is shown instead of the condition: in the default message, {{failures}} and the trace", () => {
    const v = violationOf(`
  - id: soon
    on: { stageEntered: Contract Sent }
    assert: has(new.closedate) && new.closedate <= now + days(10)
    explain: The close date is within the next 10 days`);
    expect(v?.message).toBe("The close date is within the next 10 days");
    expect(v?.trace.find((t) => t.check === "assert")?.detail).toBe("The close date is within the next 10 days: no");
    const withFailures = violationOf(`
  - id: soon
    on: { stageEntered: Contract Sent }
    assert: has(new.closedate) && new.closedate <= now + days(10)
    explain: The close date is within the next 10 days
    message: "{{new.dealname}} in {{change.to.label}}: {{failures}}"`);
    expect(withFailures?.message).toMatch(/: expected: the close date is within the next 10 days$/);
    expect(JSON.stringify(withFailures?.actions)).not.toContain("has(");
  });

  it("falls back to the description, then to plain words — never the CEL or the rule id", () => {
    const described = violationOf(`
  - id: soon
    description: Close dates within a quarter
    on: { stageEntered: Contract Sent }
    assert: has(new.closedate) && new.closedate <= now + days(10)
    message: "{{failures}}"`);
    expect(described?.message).toBe("Expected: close dates within a quarter");
    const bare = violationOf(`
  - id: soon-close-date
    on: { stageEntered: Contract Sent }
    assert: has(new.closedate) && new.closedate <= now + days(10)`);
    expect(bare?.message).toBe("A condition of this rule is not met");
    expect(bare?.message).not.toContain("soon-close-date");
  });

  it("is rejected when it is a condition, spans lines, or says what is missing", () => {
    const cases: Array<[string, RegExp]> = [
      ["explain: has(new.closedate) && new.closedate <= now", /plain words, not a condition/],
      ['explain: "Two lines\\nare not a sentence"', /single line/],
      ['explain: "Fill {{missing}}"', /may not use \{\{missing\}\}/],
      ["explain: x", /must be a sentence/],
    ];
    for (const [line, message] of cases) {
      const errors = errorsOf(`
  - id: soon
    on: { stageEntered: Contract Sent }
    assert: has(new.closedate)
    ${line}`);
      expect(errors.map((e) => e.message).join("; "), line).toMatch(message);
      expect(errors[0]?.path, line).toContain("explain");
    }
  });
});
