// The --against difference is exact: for random pairs of hit lists over a few rules, each rule's new, no-longer-raised
// and changed counts equal what plain set arithmetic on the hit ids says.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ActionType } from "../policy";
import { diffBacktests } from "./diff";
import type { BacktestHit } from "./replay";

const RULES = [
  { policyId: "p", ruleId: "a" },
  { policyId: "p", ruleId: "b" },
  { policyId: "q", ruleId: "c" },
];

const hitArb = fc.record({
  rule: fc.integer({ min: 0, max: 2 }),
  deal: fc.integer({ min: 1, max: 6 }),
  at: fc.integer({ min: 0, max: 5 }),
  mode: fc.constantFrom<"audit" | "enforce">("audit", "enforce"),
  actions: fc.subarray<ActionType>(["task", "revert", "notify-manager"]),
});

type RawHit = typeof hitArb extends fc.Arbitrary<infer T> ? T : never;

function hitsOf(raw: RawHit[]): BacktestHit[] {
  const byId = new Map<string, BacktestHit>();
  for (const r of raw) {
    const rule = RULES[r.rule] ?? RULES[0];
    if (rule === undefined) continue;
    const id = `${r.deal}|${rule.policyId}|${rule.ruleId}|${r.at}`;
    byId.set(id, { id, dealId: String(r.deal), dealName: null, ownerId: null, policyId: rule.policyId, ruleId: rule.ruleId, severity: "warning", mode: r.mode, message: "", occurredAt: r.at, fromStage: null, toStage: null, changeSource: "CRM_UI", actions: r.actions });
  }
  return [...byId.values()];
}

describe("diffBacktests", () => {
  it("counts exactly what set arithmetic on hit ids says, per rule", () => {
    fc.assert(
      fc.property(fc.array(hitArb, { maxLength: 40 }), fc.array(hitArb, { maxLength: 40 }), fc.boolean(), (a, b, dropC) => {
        const draft = hitsOf(a).filter((h) => !(dropC && h.ruleId === "c"));
        const against = hitsOf(b);
        const draftRules = dropC ? RULES.slice(0, 2) : RULES;
        const diff = diffBacktests({ rules: draftRules, hits: draft }, { rules: RULES, hits: against });
        for (const rule of RULES) {
          const mine = (hs: BacktestHit[]) => new Map(hs.filter((h) => h.ruleId === rule.ruleId).map((h) => [h.id, h]));
          const [d, g] = [mine(draft), mine(against)];
          const changed = [...d.values()].filter((h) => {
            const was = g.get(h.id);
            return was !== undefined && (was.mode !== h.mode || [...was.actions].sort().join() !== [...h.actions].sort().join());
          }).length;
          const row = diff.find((x) => x.ruleId === rule.ruleId);
          expect(row).toMatchObject({
            rule: dropC && rule.ruleId === "c" ? "removed" : "kept",
            newHits: [...d.keys()].filter((id) => !g.has(id)).length,
            goneHits: [...g.keys()].filter((id) => !d.has(id)).length,
            changedActions: changed,
          });
        }
      }),
      { numRuns: 300 },
    );
  });
});
