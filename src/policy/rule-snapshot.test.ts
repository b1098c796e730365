// Rule snapshots and their differences: mode and text apart, policy-wide settings counted as the rule's text,
// formatting ignored; the line diff keeps every line of both sides in order (property-tested, fixed seed).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines, diffRuleSnapshots, hashText, snapshotRules, type PolicyFile } from "./index";

const policy = (body: string, header = "mode: audit"): PolicyFile => ({
  path: "policies/p.yaml",
  text: `apiVersion: governance/v1\nkind: DealPolicy\nid: p\n${header}\nrules:\n${body}`,
});
const RULE_A = "  - id: a\n    on: { stageChanged: true }\n    assert: \"false\"\n";
const RULE_B = "  - id: b\n    on: { created: true }\n    assert: \"true\"\n";

describe("rule snapshots", () => {
  it("take the rule's mode, else the policy's; an override wins", () => {
    const rules = snapshotRules([policy(`${RULE_A}${RULE_B}    mode: enforce\n`)], hashText);
    expect(rules.map((r) => [r.ruleId, r.mode])).toEqual([["a", "audit"], ["b", "enforce"]]);
    expect(snapshotRules([policy(RULE_A)], hashText, "warn").map((r) => r.mode)).toEqual(["warn"]);
  });

  it("tell a mode change from a text change, and list added and removed rules", () => {
    const before = snapshotRules([policy(`${RULE_A}${RULE_B}`)], hashText);
    const after = snapshotRules([policy(`${RULE_A}    mode: warn\n  - id: c\n    on: { created: true }\n    assert: "true"\n`)], hashText);
    expect(diffRuleSnapshots(before, after).map((c) => [c.ruleId, c.kind, c.modeBefore, c.modeAfter])).toEqual([
      ["a", "mode", "audit", "warn"],
      ["b", "removed", "audit", null],
      ["c", "added", null, "audit"],
    ]);
    const edited = snapshotRules([policy(`${RULE_A.replace('"false"', '"1 == 2"')}    mode: enforce\n${RULE_B}`)], hashText);
    expect(diffRuleSnapshots(before, edited).map((c) => [c.ruleId, c.kind])).toEqual([["a", "mode+text"]]);
  });

  it("count a policy-wide change as a text change of each of its rules, and ignore comments and layout", () => {
    const before = snapshotRules([policy(`${RULE_A}${RULE_B}`)], hashText);
    const scoped = snapshotRules([policy(`${RULE_A}${RULE_B}`, "mode: audit\nexempt: [{ sources: [import] }]")], hashText);
    expect(diffRuleSnapshots(before, scoped).map((c) => [c.ruleId, c.kind])).toEqual([["a", "text"], ["b", "text"]]);
    expect(scoped[0]?.text).toContain("# from the policy:");
    const reformatted = snapshotRules([policy(`# a comment\n${RULE_A.replace("{ stageChanged: true }", "\n      stageChanged: true")}${RULE_B}`)], hashText);
    expect(diffRuleSnapshots(before, reformatted)).toEqual([]);
    expect(reformatted[0]?.policyVersion).not.toBe(before[0]?.policyVersion);
  });
});

/** The longest common subsequence's length, computed apart (memoised recursion) to check the diff is minimal. */
function lcsLength(x: string[], y: string[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === x.length || j === y.length) return 0;
    const k = `${i},${j}`;
    const known = memo.get(k);
    if (known !== undefined) return known;
    const n = x[i] === y[j] ? 1 + go(i + 1, j + 1) : Math.max(go(i + 1, j), go(i, j + 1));
    memo.set(k, n);
    return n;
  };
  return go(0, 0);
}

describe("line diff", () => {
  it("marks removed and added lines", () => {
    expect(diffLines("a\nb\nc\n", "a\nx\nc\n").map((l) => `${l.op[0]}${l.line}`)).toEqual(["sa", "rb", "ax", "sc"]);
    expect(diffLines("", "a")).toEqual([{ op: "added", line: "a" }]);
  });

  it("keeps every line of both sides, in order, and as few changes as the longest common subsequence allows", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (x, y) => {
        const d = diffLines(x.join("\n"), y.join("\n"));
        expect(d.filter((l) => l.op !== "added").map((l) => l.line)).toEqual(x);
        expect(d.filter((l) => l.op !== "removed").map((l) => l.line)).toEqual(y);
        expect(d.filter((l) => l.op === "same").length).toBe(lcsLength(x, y));
      }),
      { seed: 1414, numRuns: 300 },
    );
  });
});
