// Moving on never resolves a stage-move violation (issue 16.1): the second quick move is judged from the last
// compliant stage and reverted there; leaving Closed Won stays a violation until the deal is back or a manager acts.
// The property test plays random rep moves against the pure steps (evaluate → plan) with a model of HubSpot and D1.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RevertRow } from "../store/reverts";
import type { StoredViolation } from "../store/violations";
import { evaluateSnapshot } from "./evaluate";
import { planEnforcement } from "./plan";
import type { OpenViolation } from "./snapshot";
import { compile, dealRecord, event, NOW, snapshotOf } from "./test-snapshot";

const S = 1_000;
const OPTIONS = { now: NOW, portalUiUrl: "https://app.hubspot.com", maxRevertsPerHour: 3 };
const RULES = `
  - id: no-stage-skipping
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "skipped"
    actions: [task, revert]
  - id: closed-won-is-final
    on: { stageExited: Closed Won }
    severity: critical
    transition:
      terminal:
        - stage: Closed Won
          allowedTo: [Closed Lost]
          by: { managers: true }
    message: "left Closed Won"
    actions: [revert, notify-manager, log]`;
const set = compile(RULES);
const STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"] as const;

/** One run of the pure steps over the rep's moves `[stage, at]` on top of `history`, with these open violations. */
function run(history: Array<[string, number]>, moves: Array<[string, number]>, open: OpenViolation[] = []) {
  const snapshot = snapshotOf({
    events: moves.map(([stage, at]) => event({ propertyValue: stage, occurredAt: at })),
    deal: dealRecord([...history, ...moves]),
    set,
    open,
  });
  const evaluations = evaluateSnapshot(snapshot.live, { modeOverride: null });
  return { evaluations, plan: planEnforcement(snapshot, evaluations, OPTIONS) };
}

describe("a second quick move doesn't get around a stage rule", () => {
  it("skip Appointment Scheduled → Decision Maker Bought-In, then on to Contract Sent in the same batch: reverted to Appointment Scheduled", () => {
    const { plan, evaluations } = run([["appointmentscheduled", NOW - 60 * S]], [["decisionmakerboughtin", NOW - 20 * S], ["contractsent", NOW - 10 * S]]);
    expect(evaluations[0]?.resolutions).toEqual([]);
    const skips = plan.violations.filter((v) => v.d.violation.ruleId === "no-stage-skipping");
    expect(skips.map((v) => [v.d.built.change.fromStage, v.d.built.change.toStage, v.open])).toEqual([
      ["appointmentscheduled", "decisionmakerboughtin", true],
      ["appointmentscheduled", "contractsent", true],
    ]);
    expect(plan.reverts.map((r) => [r.fromStage, r.target.stageId, r.siblings.length])).toEqual([["contractsent", "appointmentscheduled", 1]]);
  });

  it("the same when the second move comes in a later batch: the stored skip stays open and the revert ends both", () => {
    const first = run([["appointmentscheduled", NOW - 60 * S]], [["decisionmakerboughtin", NOW - 20 * S]]);
    const v1 = first.plan.violations[0]?.d;
    expect(v1?.built.change.fromStage).toBe("appointmentscheduled");
    const open: OpenViolation[] = [{ id: v1?.id ?? "", policyId: "test-policy", ruleId: "no-stage-skipping", toStage: "decisionmakerboughtin", fromStage: "appointmentscheduled", fromPipelineId: "default", occurredAt: NOW - 20 * S }];
    const { plan, evaluations } = run([["appointmentscheduled", NOW - 60 * S], ["decisionmakerboughtin", NOW - 20 * S]], [["contractsent", NOW - 10 * S]], open);
    expect(evaluations[0]?.resolutions).toEqual([]);
    expect(plan.violations.map((v) => [v.d.violation.ruleId, v.d.built.change.fromStage, v.d.built.change.toStage])).toEqual([["no-stage-skipping", "appointmentscheduled", "contractsent"]]);
    expect(plan.reverts.map((r) => [r.target.stageId, r.alsoResolves])).toEqual([["appointmentscheduled", [v1?.id]]]);
  });

  it("Closed Won → Contract Sent → Decision Maker Bought-In by a rep: the second move is judged from Closed Won, reverted there, the manager told", () => {
    const { plan, evaluations } = run([["closedwon", NOW - 60 * S]], [["contractsent", NOW - 20 * S], ["decisionmakerboughtin", NOW - 10 * S]]);
    expect(evaluations[0]?.resolutions).toEqual([]);
    const final = plan.violations.filter((v) => v.d.violation.ruleId === "closed-won-is-final");
    expect(final.map((v) => [v.d.built.change.fromStage, v.d.built.change.toStage, v.open])).toEqual([
      ["closedwon", "contractsent", true],
      ["closedwon", "decisionmakerboughtin", true],
    ]);
    expect(plan.reverts.map((r) => r.target.stageId)).toEqual(["closedwon"]);
    expect(plan.tasks.filter((t) => t.purpose === "manager").length).toBeGreaterThan(0);
  });

  it("a skip seen late, after the engine had reverted the deal to Closed Won, doesn't anchor the rep's next move: leaving Closed Won is reverted to Closed Won", () => {
    // Closed Won → Decision Maker Bought-In (reverted by the engine, racing the rep's Appointment Scheduled → Decision
    // Maker Bought-In skip), then the rep leaves Closed Won for Contract Sent. The skip's events arrive only now.
    const history: Array<[string, number]> = [
      ["appointmentscheduled", NOW - 100 * S], ["closedwon", NOW - 90 * S], ["decisionmakerboughtin", NOW - 80 * S],
      ["appointmentscheduled", NOW - 70 * S], ["decisionmakerboughtin", NOW - 60 * S], ["closedwon", NOW - 50 * S], ["contractsent", NOW - 40 * S],
    ];
    const late: Array<[string, number]> = [["appointmentscheduled", NOW - 70 * S], ["decisionmakerboughtin", NOW - 60 * S], ["contractsent", NOW - 40 * S]];
    const snapshot = snapshotOf({ events: late.map(([stage, at]) => event({ propertyValue: stage, occurredAt: at })), deal: dealRecord(history), set });
    const evaluations = evaluateSnapshot(snapshot.live, { modeOverride: "enforce" });
    const plan = planEnforcement(snapshot, evaluations, OPTIONS);
    const skip = plan.violations.find((v) => v.d.violation.ruleId === "no-stage-skipping");
    expect(evaluations[0]?.resolutions.map((r) => [r.id === skip?.d.id, r.resolvedAt])).toEqual([[true, NOW - 50 * S]]);
    expect(plan.reverts.map((r) => [r.fromStage, r.target.stageId])).toEqual([["contractsent", "closedwon"]]);
  });

  const resolutionCases = [
    { name: "back at the stage it left", to: "appointmentscheduled", resolved: true },
    { name: "at a stage the rule allows from there", to: "qualifiedtobuy", resolved: true },
    { name: "still past the allowed stage (moving back part of the way)", to: "presentationscheduled", resolved: false },
    { name: "moved further on", to: "contractsent", resolved: false },
  ];
  it.each(resolutionCases)("a skip from Appointment Scheduled is resolved only at or before an allowed stage — $name", ({ to, resolved }) => {
    const open: OpenViolation[] = [{ id: "v1", policyId: "test-policy", ruleId: "no-stage-skipping", toStage: "decisionmakerboughtin", fromStage: "appointmentscheduled", fromPipelineId: "default", occurredAt: NOW - 20 * S }];
    const { evaluations } = run([["appointmentscheduled", NOW - 60 * S], ["decisionmakerboughtin", NOW - 20 * S]], [[to, NOW - 10 * S]], open);
    expect(evaluations[0]?.resolutions.some((r) => r.id === "v1")).toBe(resolved);
  });

  it("leaving Closed Won stays open wherever the deal goes next, until it is back in Closed Won", () => {
    const open: OpenViolation[] = [{ id: "cw", policyId: "test-policy", ruleId: "closed-won-is-final", toStage: "contractsent", fromStage: "closedwon", fromPipelineId: "default", occurredAt: NOW - 20 * S }];
    for (const to of ["decisionmakerboughtin", "closedlost", "appointmentscheduled"]) {
      const { evaluations } = run([["closedwon", NOW - 60 * S], ["contractsent", NOW - 20 * S]], [[to, NOW - 10 * S]], open);
      expect(evaluations[0]?.resolutions.some((r) => r.id === "cw")).toBe(false);
    }
    const back = run([["closedwon", NOW - 60 * S], ["contractsent", NOW - 20 * S]], [["closedwon", NOW - 10 * S]], open);
    expect(back.evaluations[0]?.resolutions.map((r) => r.id)).toEqual(["cw"]);
  });
});

// ---- Property: a model of HubSpot (the deal's stage and history) and of D1 (violations, revert rows) ----

interface Model {
  stage: string;
  history: Array<[string, number]>;
  violations: Map<string, StoredViolation & { fromStage: string | null }>;
  reverts: Map<string, RevertRow>;
  at: number;
}

const index = (s: string) => STAGES.indexOf(s as (typeof STAGES)[number]);
const isClosed = (s: string) => s === "closedwon" || s === "closedlost";

/** The oracle, independent of the engine: may a rep move from `a` to `b` under each rule? */
const allowedBy = {
  "no-stage-skipping": (a: string, b: string) => index(b) <= index(a) || isClosed(b) || STAGES.filter((s, i) => i > index(a) && i < index(b) && !isClosed(s)).length === 0,
  "closed-won-is-final": (a: string, b: string) => a !== "closedwon" || b === "closedwon",
};

/** Walks the deal's real stage history: the rule's last compliant stage, and whether the deal ends violating it. */
function violatesAtEnd(rule: keyof typeof allowedBy, history: Array<[string, number]>): boolean {
  let anchor = history[0]?.[0] ?? "appointmentscheduled";
  for (const [stage] of history.slice(1)) if (allowedBy[rule](anchor, stage)) anchor = stage;
  const final = history.at(-1)?.[0] ?? anchor;
  return final !== anchor && !allowedBy[rule](anchor, final);
}

/** Setting the stage a deal is already in changes nothing in HubSpot (no history entry, no event). */
function realMoves(from: string, stages: string[]): string[] {
  const out: string[] = [];
  for (const s of stages) if (s !== (out.at(-1) ?? from)) out.push(s);
  return out;
}

/**
 * One engine run: the rep's new moves land, then the engine reads the deal and plans over the moves it hasn't seen
 * (`unseen` from earlier, plus the new ones); `interleaved` rep moves land after the read and before the reverts are
 * written. Returns the moves the engine hasn't seen yet.
 */
function engineRun(m: Model, unseen: Array<[string, number]>, wanted: string[], wantedInterleaved: string[]): Array<[string, number]> {
  const stamped = [...unseen, ...realMoves(m.stage, wanted).map((s): [string, number] => [s, (m.at += S)])];
  m.history.push(...stamped.slice(unseen.length));
  m.stage = m.history.at(-1)?.[0] ?? m.stage;
  if (stamped.length === 0) return [];
  const open = [...m.violations.values()].filter((v) => v.status === "open").map((v) => ({ id: v.id, policyId: v.policyId, ruleId: v.ruleId, toStage: v.toStage, fromStage: v.fromStage, fromPipelineId: "default", occurredAt: v.occurredAt }));
  const snapshot = snapshotOf({
    events: stamped.map(([stage, at]) => event({ propertyValue: stage, occurredAt: at })),
    deal: dealRecord(m.history),
    set,
    open,
    live: { stored: new Map(m.violations), reverts: new Map(m.reverts), recentReverts: new Map([["42", [...m.reverts.values()].filter((r) => r.status === "done").length]]) },
  });
  const plan = planEnforcement(snapshot, evaluateSnapshot(snapshot.live, { modeOverride: "enforce" }), { ...OPTIONS, now: m.at });
  const rep = realMoves(m.stage, wantedInterleaved).map((s): [string, number] => [s, (m.at += S)]);
  m.history.push(...rep);
  m.stage = rep.at(-1)?.[0] ?? m.stage;
  for (const v of plan.violations) {
    if (v.insert === null || m.violations.has(v.d.id)) continue;
    m.violations.set(v.d.id, { id: v.d.id, dealId: "42", policyId: v.d.violation.policyId, ruleId: v.d.violation.ruleId, toStage: v.insert.toStage, fromStage: v.insert.fromStage, status: "open", actions: v.actions, taskId: null, reverted: false, occurredAt: v.insert.occurredAt });
  }
  const resolve = (id: string) => {
    const v = m.violations.get(id);
    if (v !== undefined) v.status = "resolved";
  };
  for (const r of plan.resolutions) resolve(r.id);
  for (const intent of plan.reverts) {
    if (m.stage !== intent.fromStage) continue; // the rep moved on: the revert is skipped, its violation stays open
    m.history.push([intent.target.stageId, (m.at += S)]);
    m.stage = intent.target.stageId;
    m.reverts.set(intent.ref.violationId, { violation_id: intent.ref.violationId, deal_id: "42", to_pipeline: "default", to_stage: intent.target.stageId, from_stage: intent.fromStage, status: "done", reason: null });
    for (const id of [intent.ref.violationId, ...intent.siblings.map((s) => s.violationId), ...intent.alsoResolves]) resolve(id);
  }
  return rep;
}

describe("property: no sequence of rep moves ends with a violating deal resolved and unreverted (enforce mode)", () => {
  const stage = fc.constantFrom(...STAGES);
  const batch = fc.record({ moves: fc.array(stage, { minLength: 1, maxLength: 3 }), interleaved: fc.array(stage, { maxLength: 2 }) });
  it("holds for random batches, racing moves and the revert cap", () => {
    fc.assert(
      fc.property(fc.constantFrom("appointmentscheduled", "closedwon"), fc.array(batch, { minLength: 1, maxLength: 6 }), (start, batches) => {
        const m: Model = { stage: start, history: [[start, NOW - 3600 * S]], violations: new Map(), reverts: new Map(), at: NOW - 3000 * S };
        let unseen: Array<[string, number]> = [];
        for (const b of batches) unseen = engineRun(m, unseen, b.moves, b.interleaved);
        // The rep stops; the engine sees the last moves and nothing races its reverts.
        if (unseen.length > 0) engineRun(m, unseen, [], []);
        for (const rule of ["no-stage-skipping", "closed-won-is-final"] as const) {
          if (!violatesAtEnd(rule, m.history)) continue;
          const open = [...m.violations.values()].filter((v) => v.ruleId === rule && v.status === "open");
          expect(open.length, `${rule} violated at ${m.stage} after ${JSON.stringify(m.history.map(([s]) => s))}`).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
