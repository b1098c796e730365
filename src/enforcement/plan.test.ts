// The plan without a runtime: what each action kind does in each mode, which reverts are sent, superseded, capped or
// already settled, resolutions (merges, deals that already comply, engine reverts) and which tasks are completed.
import { describe, expect, it } from "vitest";
import type { RevertRow } from "../store/reverts";
import type { OpenTaskRow } from "../store/deal-tasks";
import type { RecordedAction, StoredViolation } from "../store/violations";
import { evaluateSnapshot } from "./evaluate";
import { planEnforcement, type Plan } from "./plan";
import { planReverts } from "./plan-reverts";
import type { Snapshot } from "./snapshot";
import { compile, dealRecord, emptyGovernance, event, NOW, snapshotOf, type SnapshotInput } from "./test-snapshot";

const S = 1_000;
const OPTIONS = { now: NOW, portalUiUrl: "https://app.hubspot.com", maxRevertsPerHour: 3 };
/** Deal 42 skips from Qualified To Buy to Decision Maker Bought-In, and is still there. */
const SKIP_HISTORY: Array<[string, number]> = [["qualifiedtobuy", NOW - 20 * S], ["decisionmakerboughtin", NOW - 10 * S]];

function skipRule(actions: string): string {
  return `
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "skipped a stage"
    actions: ${actions}`;
}

function planFor(actions: string, mode: "enforce" | "warn" | "audit" = "enforce", extra: Partial<SnapshotInput> = {}): { plan: Plan; snapshot: Snapshot } {
  const snapshot = snapshotOf({
    events: [event({ propertyValue: "decisionmakerboughtin", occurredAt: NOW - 10 * S })],
    deal: dealRecord(SKIP_HISTORY),
    set: compile(skipRule(actions), `mode: ${mode}`),
    ...extra,
  });
  return { plan: planEnforcement(snapshot, evaluateSnapshot(snapshot.live, { modeOverride: null }), OPTIONS), snapshot };
}

describe("the plan for each action kind and mode", () => {
  const cases = [
    { name: "audit: every action is recorded as would-run, nothing is sent", actions: "[task, revert]", mode: "audit" as const, outcomes: ["would-run", "would-run"], tasks: [], reverts: 0 },
    { name: "log is done by recording", actions: "[log]", mode: "enforce" as const, outcomes: ["done"], tasks: [], reverts: 0 },
    { name: "a task for the owner", actions: "[task]", mode: "enforce" as const, outcomes: ["pending"], tasks: [["rep", "201"]], reverts: 0 },
    { name: "a task for the owner's manager", actions: "[{ task: { subject: Look, assignee: manager } }]", mode: "enforce" as const, outcomes: ["pending"], tasks: [["manager", "301"]], reverts: 0 },
    { name: "notify-manager: a review task for the manager", actions: "[notify-manager]", mode: "enforce" as const, outcomes: ["pending"], tasks: [["manager", "301"]], reverts: 0 },
    { name: "revert: sent back to the stage it came from", actions: "[revert]", mode: "enforce" as const, outcomes: ["pending"], tasks: [], reverts: 1 },
    { name: "warn: the rep gets the rule's task, the revert is only recorded", actions: "[task, revert]", mode: "warn" as const, outcomes: ["pending", "would-run"], tasks: [["rep", "201"]], reverts: 0 },
    { name: "warn: a revert-only rule gives the rep a task in its place", actions: "[revert]", mode: "warn" as const, outcomes: ["would-run", "pending"], tasks: [["rep", "201"]], reverts: 0 },
    { name: "warn: the manager's tasks run too", actions: "[notify-manager, revert]", mode: "warn" as const, outcomes: ["pending", "would-run", "pending"], tasks: [["manager", "301"], ["rep", "201"]], reverts: 0 },
    { name: "warn: a log-only rule stays a log", actions: "[log]", mode: "warn" as const, outcomes: ["done"], tasks: [], reverts: 0 },
  ];
  it.each(cases)("$name", ({ actions, mode, outcomes, tasks, reverts }) => {
    const { plan } = planFor(actions, mode);
    expect(plan.violations.map((v) => v.actions.map((a) => a.outcome))).toEqual([outcomes]);
    expect(plan.tasks.map((t) => [t.purpose, t.ownerId])).toEqual(tasks);
    expect(plan.reverts).toHaveLength(reverts);
    expect(plan.violations[0]?.insert?.mode).toBe(mode);
  });

  it("warn mode's stand-in task says why nothing was moved back, and a retry doesn't add a second one", () => {
    const { plan } = planFor("[revert]", "warn");
    const [revert, standIn] = plan.violations[0]?.actions ?? [];
    expect(revert).toMatchObject({ type: "revert", outcome: "would-run", reason: "warn mode: nothing is reverted" });
    expect(standIn).toMatchObject({ type: "task", outcome: "pending", reason: "warn mode: a task instead of the revert" });
    expect(plan.tasks[0]).toMatchObject({ ref: { index: 1 }, fallback: false, subject: "Fix this deal: skipped a stage" });
    expect(plan.tasks[0]?.body).toContain("not moving the deal back");
    const id = plan.violations[0]?.d.id ?? "";
    const actions = [revert, { ...standIn, outcome: "done", taskId: "t1" }].filter((a): a is RecordedAction => a !== undefined);
    const stored: StoredViolation = { id, dealId: "42", policyId: "test-policy", ruleId: "no-skip", toStage: "decisionmakerboughtin", fromStage: "qualifiedtobuy", status: "open", actions, taskId: "t1", reverted: false, occurredAt: NOW - 10 * S };
    const retry = planFor("[revert]", "warn", { live: { stored: new Map([[id, stored]]) } }).plan;
    expect(retry.violations[0]?.actions.map((a) => a.outcome)).toEqual(["would-run", "done"]);
    expect(retry.tasks).toEqual([]);
  });

  it("POLICY_MODE_OVERRIDE=warn turns an enforce rule's revert into a task", () => {
    const snapshot = snapshotOf({ events: [event({ propertyValue: "decisionmakerboughtin", occurredAt: NOW - 10 * S })], deal: dealRecord(SKIP_HISTORY), set: compile(skipRule("[revert]")) });
    const plan = planEnforcement(snapshot, evaluateSnapshot(snapshot.live, { modeOverride: "warn" }), OPTIONS);
    expect([plan.reverts.length, plan.tasks.length, plan.violations[0]?.insert?.mode]).toEqual([0, 1, "warn"]);
  });

  it("notify-manager with no manager known is skipped, saying why", () => {
    const { plan } = planFor("[notify-manager]", "enforce", { withManager: false });
    expect(plan.violations[0]?.actions[0]).toMatchObject({ outcome: "skipped", reason: "no manager known for the deal owner (configure MANAGER_MAP)" });
    expect(plan.tasks).toEqual([]);
  });

  it("a revert names its target and, when the rule gives the rep no task, a stand-in should HubSpot refuse", () => {
    const alone = planFor("[revert]").plan.reverts[0];
    expect(alone).toMatchObject({ dealId: "42", fromStage: "decisionmakerboughtin", target: { pipelineId: "default", stageId: "qualifiedtobuy" }, plannedBefore: false });
    expect(alone?.fallbacks.map((make) => make("VALIDATION_ERROR")).map((t) => [t.purpose, t.ref.index, t.body.includes("HubSpot said: VALIDATION_ERROR")])).toEqual([["rep", 1, true]]);
    expect(planFor("[revert, task]").plan.reverts[0]?.fallbacks).toEqual([]);
  });

  it("task bodies say what to fix and link the deal, with no rule ids or markers", () => {
    const body = planFor("[task]").plan.tasks[0]?.body ?? "";
    expect(body).toContain("https://app.hubspot.com/contacts/1/record/0-3/42");
    expect(body).not.toMatch(/test-policy|no-skip|Rule:|governance-ref/);
  });

  it("the rule's rep task of a reverted violation goes beside the revert, worded as landed, reworded from another answer", () => {
    const { plan } = planFor("[task, revert]");
    const [task] = plan.tasks;
    expect(task?.body).toContain("The engine moved this deal back from Decision Maker Bought-In to Qualified To Buy");
    expect(task?.body).toContain("Before you move it to Decision Maker Bought-In again");
    const [follow] = plan.reverts[0]?.followUps ?? [];
    if (follow === undefined) throw new Error("no follow-up");
    expect(follow.ref).toEqual(task?.ref);
    expect(follow.ref).toEqual({ violationId: plan.violations[0]?.d.id, index: 0 });
    expect(follow.reword({ kind: "done" })).toBeNull();
    const refused = follow.reword({ kind: "refused", error: "VALIDATION_ERROR" }) ?? "";
    expect(refused).toContain("HubSpot refused (VALIDATION_ERROR). Please move it back to Qualified To Buy yourself");
    expect(refused).not.toContain("moved this deal back");
    expect(follow.reword({ kind: "skipped" })).not.toContain("engine");
  });
});

describe("revert decisions", () => {
  const row = (status: RevertRow["status"], reason: string | null = null): Map<string, RevertRow> => new Map([["ID", { violation_id: "ID", deal_id: "42", to_pipeline: "default", to_stage: "qualifiedtobuy", from_stage: "decisionmakerboughtin", status, reason }]]);
  const withRow = (status: RevertRow["status"], reason: string | null = null) => (id: string) => new Map([...row(status, reason)].map(([, r]) => [id, { ...r, violation_id: id }]));
  const cases = [
    { name: "done in an earlier attempt: done, resolved by the engine, not sent again", reverts: withRow("done"), recent: 1, outcome: "done", sent: 0, resolvedBy: "engine:revert", late: 0, capped: 0 },
    { name: "refused in an earlier attempt: failed, the rep's stand-in task follows", reverts: withRow("refused", "stage needs amount"), recent: 0, outcome: "failed", sent: 0, resolvedBy: null, late: 1, capped: 0 },
    { name: "the deal hit the hourly cap: skipped and recorded", reverts: () => new Map<string, RevertRow>(), recent: 3, outcome: "skipped", sent: 0, resolvedBy: null, late: 0, capped: 1 },
    { name: "planned by an earlier attempt: sent (apply finishes it), its own row not counted against the cap", reverts: withRow("planned"), recent: 3, outcome: "pending", sent: 1, resolvedBy: null, late: 0, capped: 0 },
  ];
  it.each(cases)("$name", ({ reverts, recent, outcome, sent, resolvedBy, late, capped }) => {
    const first = planFor("[revert]");
    const id = first.plan.violations[0]?.d.id ?? "";
    const { plan } = planFor("[revert]", "enforce", { live: { reverts: reverts(id), recentReverts: new Map([["42", recent]]) } });
    expect(plan.violations[0]?.actions[0]?.outcome).toBe(outcome);
    expect(plan.reverts).toHaveLength(sent);
    expect(plan.resolutions.filter((r) => r.id === id).map((r) => r.resolvedBy)).toEqual(resolvedBy === null ? [] : [resolvedBy]);
    expect(plan.lateTasks).toHaveLength(late);
    expect(plan.capped).toHaveLength(capped);
  });

  it("only the latest violating change of a deal is reverted, back to the last compliant stage; an older one going back there shares it", () => {
    const snapshot = snapshotOf({
      events: [event({ propertyValue: "presentationscheduled", occurredAt: NOW - 30 * S }), event({ propertyValue: "contractsent", occurredAt: NOW - 10 * S })],
      deal: dealRecord([["appointmentscheduled", NOW - 40 * S], ["presentationscheduled", NOW - 30 * S], ["contractsent", NOW - 10 * S]]),
      set: compile(skipRule("[revert]")),
    });
    const plan = planEnforcement(snapshot, evaluateSnapshot(snapshot.live, { modeOverride: null }), OPTIONS);
    // The second move is judged from the last compliant stage (appointmentscheduled → contractsent): both stay open.
    const active = plan.violations.map((v) => ({ ...v, open: true, actions: v.actions.map(({ type, planned }): RecordedAction => ({ type, planned, outcome: "pending" })) }));
    const decided = planReverts(active, { now: NOW, maxRevertsPerHour: 3, reverts: new Map(), recentReverts: new Map() });
    expect(plan.violations.map((v) => [v.d.built.change.fromStage, v.d.built.change.toStage, v.open])).toEqual([
      ["appointmentscheduled", "presentationscheduled", true],
      ["appointmentscheduled", "contractsent", true],
    ]);
    expect(active.map((v) => [v.d.built.change.toStage, v.actions[0]?.outcome])).toEqual([["presentationscheduled", "pending"], ["contractsent", "pending"]]);
    expect(decided.intents.map((r) => [r.target.stageId, r.fromStage, r.siblings.map((s) => s.violationId)])).toEqual([["appointmentscheduled", "contractsent", [active[0]?.d.id]]]);
  });
});

describe("resolutions", () => {
  it("a violation the deal already complies with (a move back whose event is still on its way) is resolved by whoever moved it and its pending actions skipped", () => {
    const { plan } = planFor("[task, revert]", "enforce", { deal: dealRecord([...SKIP_HISTORY, ["qualifiedtobuy", NOW - 5 * S]], { dealstage: "qualifiedtobuy" }) });
    const id = plan.violations[0]?.d.id;
    expect(plan.resolutions.map((r) => [r.id === id, r.resolvedBy])).toEqual([[true, "userId:101"]]);
    expect(plan.violations[0]?.actions.map((a) => [a.outcome, a.reason])).toEqual([["skipped", "the deal already complies"], ["skipped", "the deal already complies"]]);
    expect([plan.tasks, plan.reverts]).toEqual([[], []]);
  });

  it("a violation the engine reverted earlier stays open for its other actions (the rep still gets the task)", () => {
    const first = planFor("[task, revert]");
    const id = first.plan.violations[0]?.d.id ?? "";
    const stored: StoredViolation = { id, dealId: "42", policyId: "test-policy", ruleId: "no-skip", toStage: "decisionmakerboughtin", fromStage: "qualifiedtobuy", status: "resolved", actions: [{ type: "task", planned: {}, outcome: "pending" }, { type: "revert", planned: {}, outcome: "done" }], taskId: null, reverted: true, occurredAt: NOW - 10 * S };
    const { plan } = planFor("[task, revert]", "enforce", { deal: dealRecord([...SKIP_HISTORY, ["qualifiedtobuy", NOW - 5 * S]], { dealstage: "qualifiedtobuy" }), live: { stored: new Map([[id, stored]]) } });
    expect(plan.tasks.map((t) => t.ref)).toEqual([{ violationId: id, index: 0 }]);
    expect(plan.violations[0]?.insert).toBeNull();
  });

  it("a merged-away deal's open violations are resolved as merged into the primary", () => {
    const snapshot: Snapshot = {
      echoes: [], deleted: [], live: null, governance: emptyGovernance(),
      mergedAway: [{ dealId: "43", into: "42", at: NOW, events: [event({ subscriptionType: "deal.merge", inboxHash: "m1" })] }],
      mergedOpen: [{ id: "v43", dealId: "43", policyId: "p", ruleId: "r", toStage: null, fromStage: null, status: "open", actions: [], taskId: null, reverted: false, occurredAt: 0 }],
    };
    const plan = planEnforcement(snapshot, [], OPTIONS);
    expect(plan.resolutions).toEqual([{ id: "v43", resolvedAt: NOW, resolvedBy: "merged:42", resolvedByEvent: "m1" }]);
    expect(plan.gone).toEqual([{ dealId: "43", status: "merged", mergedInto: "42", at: NOW }]);
  });
});

describe("task completion", () => {
  const task = (violationId: string, status: OpenTaskRow["violation_status"], resolvedBy: string | null = null): OpenTaskRow => ({
    id: `row-${violationId}`, deal_id: "42", policy_id: "test-policy", rule_id: "no-skip", purpose: "rep", violation_id: violationId, owner_id: "201",
    task_id: `task-${violationId}`, status: "open", attempts: 1, error: null, violation_status: status, violation_resolved_by: resolvedBy,
    violation_to_stage: "decisionmakerboughtin", violation_resolved_at: NOW - 60 * S,
  });
  /** Deal 42 moves one stage, Presentation Scheduled → Decision Maker Bought-In: an entry the skip rule allows. */
  const stepIn = {
    events: [event({ propertyValue: "decisionmakerboughtin", occurredAt: NOW - 10 * S })],
    deal: dealRecord([["presentationscheduled", NOW - 20 * S], ["decisionmakerboughtin", NOW - 10 * S]]),
  };
  const fixed = { deal: dealRecord([...SKIP_HISTORY, ["qualifiedtobuy", NOW - 5 * S]], { dealstage: "qualifiedtobuy" }) };
  const openViolation = (id: string, toStage: string) => ({ id, policyId: "test-policy", ruleId: "no-skip", toStage, fromStage: "qualifiedtobuy", fromPipelineId: null, occurredAt: NOW - 60 * S });
  const open = [openViolation("old", "decisionmakerboughtin")];
  const cases = [
    { name: "the rule is fixed: its task is completed", extra: { ...fixed, open, live: { openTasks: [task("old", "open")] } }, completed: ["row-old"] },
    { name: "resolved by the engine's revert: the task stays (it explains the revert)", extra: { ...fixed, live: { openTasks: [task("old", "resolved", "engine:revert")] } }, completed: [] },
    { name: "a revert's task: completed when the deal enters that stage compliantly", extra: { ...stepIn, live: { openTasks: [task("old", "resolved", "engine:revert")] } }, completed: ["row-old"] },
    { name: "a revert's task: kept when the deal enters that stage by breaking the rule again", extra: { live: { openTasks: [task("old", "resolved", "engine:revert")] } }, completed: [] },
    {
      name: "another violation of the rule is still open (the new skip): the task stays",
      extra: { open: [openViolation("left", "contractsent")], live: { openTasks: [task("left", "open")] } },
      completed: [],
    },
    { name: "no violation resolved on the deal in this run: nothing to complete", extra: { open: [], live: { openTasks: [task("old", "resolved", "userId:1")] } }, completed: [] },
  ];
  it.each(cases)("$name", ({ extra, completed }) => {
    const { plan } = planFor("[log]", "enforce", extra);
    expect(plan.completions.map((c) => c.rowId)).toEqual(completed);
  });
});
