// Triggers, scope and stage-graph rules: which changes fire a rule, and the transition checks.
import { describe, expect, it } from "vitest";
import { evaluateChange, explainChange, loadPolicySet } from "./index";
import { makeChange, NOW, policyFile, TEST_PORTAL } from "./test-portal";
import type { CompiledPolicySet, DealChange } from "./types";

function compile(rules: string, header = ""): CompiledPolicySet {
  const result = loadPolicySet([policyFile(rules, header)], TEST_PORTAL);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}
const violated = (set: CompiledPolicySet, change: DealChange, now = NOW): string[] => evaluateChange(set, change, { now }).violations.map((v) => v.ruleId);
const move = (fromStage: string, toStage: string, extra: Partial<DealChange> = {}): DealChange => makeChange({ fromStage, toStage, ...extra });

describe("triggers", () => {
  const set = compile(`
  - id: on-created
    on: { created: true }
    assert: "false"
  - id: on-entered
    on: { stageEntered: Contract Sent }
    assert: "false"
  - id: on-exited
    on: { stageExited: [Closed Won] }
    assert: "false"
  - id: on-changed
    on: { stageChanged: true }
    assert: "false"
  - id: on-property
    on: { propertyChanged: [closedate] }
    assert: "false"
  - id: on-scan
    on: { scan: true }
    inStages: [Contract Sent]
    assert: "false"`);

  it("created fires created and stageEntered for the stage it was created in", () => {
    expect(violated(set, makeChange({ kind: "created", fromStage: null, fromPipelineId: null, toStage: "contractsent", changedProperties: ["dealname", "dealstage"] }))).toEqual(["on-created", "on-entered"]);
  });
  it("a stage move fires entered/changed; leaving Closed Won fires exited", () => {
    expect(violated(set, move("decisionmakerboughtin", "contractsent"))).toEqual(["on-entered", "on-changed"]);
    expect(violated(set, move("closedwon", "closedlost"))).toEqual(["on-exited", "on-changed"]);
  });
  it("a property change without a stage move fires only propertyChanged rules", () => {
    expect(violated(set, makeChange({ fromStage: null, toStage: "contractsent", changedProperties: ["closedate"] }))).toEqual(["on-property"]);
    expect(violated(set, makeChange({ fromStage: null, toStage: "contractsent", changedProperties: ["amount"] }))).toEqual([]);
  });
  it("scan changes fire only scan rules, narrowed by inStages", () => {
    expect(violated(set, makeChange({ kind: "scan", fromStage: null, toStage: "contractsent", changedProperties: [] }))).toEqual(["on-scan"]);
    expect(violated(set, makeChange({ kind: "scan", fromStage: null, toStage: "qualifiedtobuy", changedProperties: [] }))).toEqual([]);
  });
  it("a stage referenced by id works like one by label", () => {
    const byId = compile(`
  - id: r
    on: { stageEntered: contractsent }
    assert: "false"`);
    expect(violated(byId, move("decisionmakerboughtin", "contractsent"))).toEqual(["r"]);
  });
});

describe("scope", () => {
  const rules = `
  - id: r
    on: { stageChanged: true }
    assert: "false"`;
  it("pipelines: deals in other pipelines are out of scope", () => {
    const set = compile(rules, "scope:\n  pipelines: [Renewals]");
    expect(violated(set, move("qualifiedtobuy", "presentationscheduled"))).toEqual([]);
    expect(violated(set, move("1001", "1002", { pipelineId: "7654321", fromPipelineId: "7654321" }))).toEqual(["r"]);
    const trace = explainChange(set, move("qualifiedtobuy", "presentationscheduled"), { now: NOW })[0];
    expect(trace?.outcome).toBe("out-of-scope");
  });
  it("owners and teams include/exclude", () => {
    expect(violated(compile(rules, "scope:\n  owners: { include: ['201'] }"), move("qualifiedtobuy", "presentationscheduled"))).toEqual(["r"]);
    expect(violated(compile(rules, "scope:\n  owners: { exclude: ['201'] }"), move("qualifiedtobuy", "presentationscheduled"))).toEqual([]);
    expect(violated(compile(rules, "scope:\n  teams: { include: [team-us] }"), move("qualifiedtobuy", "presentationscheduled"))).toEqual([]);
    expect(violated(compile(rules, "scope:\n  teams: { exclude: [team-us] }"), move("qualifiedtobuy", "presentationscheduled"))).toEqual(["r"]);
  });
  it("a CEL condition on the deal", () => {
    const set = compile(rules, "scope:\n  when: has(new.amount) && new.amount >= 50000.0");
    expect(violated(set, move("qualifiedtobuy", "presentationscheduled"))).toEqual([]);
    expect(violated(set, move("qualifiedtobuy", "presentationscheduled", { new: { amount: "60000" } }))).toEqual(["r"]);
  });
});

describe("stage-graph rules", () => {
  it("display order, not snapshot order, defines forward (numeric-id pipeline listed out of order)", () => {
    const set = compile(`
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0, allowSkipToClosed: false }`);
    const renewals = { pipelineId: "7654321", fromPipelineId: "7654321" };
    expect(violated(set, move("1001", "1002", renewals))).toEqual([]);
    expect(violated(set, move("1002", "1001", renewals))).toEqual([]);
  });
  it("max forward skip N, with closed stages optionally exempt", () => {
    const skip1 = compile(`
  - id: skip
    on: { stageChanged: true }
    transition: { maxSkip: 1 }`);
    expect(violated(skip1, move("appointmentscheduled", "presentationscheduled"))).toEqual([]);
    expect(violated(skip1, move("appointmentscheduled", "decisionmakerboughtin"))).toEqual(["skip"]);
    expect(violated(skip1, move("appointmentscheduled", "closedwon"))).toEqual([]);
    const strict = compile(`
  - id: skip
    on: { stageChanged: true }
    transition: { maxSkip: 0, allowSkipToClosed: false }`);
    expect(violated(strict, move("contractsent", "closedwon"))).toEqual([]);
    expect(violated(strict, move("decisionmakerboughtin", "closedwon"))).toEqual(["skip"]);
  });
  it("no backward moves except to named stages", () => {
    const set = compile(`
  - id: back
    on: { stageChanged: true }
    transition: { backward: deny, backwardAllowedTo: [Qualified To Buy] }`);
    expect(violated(set, move("contractsent", "presentationscheduled"))).toEqual(["back"]);
    expect(violated(set, move("contractsent", "qualifiedtobuy"))).toEqual([]);
    expect(violated(set, move("qualifiedtobuy", "contractsent"))).toEqual([]);
  });
  it("explicit allowed transitions (unlisted from-stages are unrestricted)", () => {
    const set = compile(`
  - id: graph
    on: { stageChanged: true }
    transition:
      allowed:
        Appointment Scheduled: [Qualified To Buy, Closed Lost]`);
    expect(violated(set, move("appointmentscheduled", "qualifiedtobuy"))).toEqual([]);
    expect(violated(set, move("appointmentscheduled", "contractsent"))).toEqual(["graph"]);
    expect(violated(set, move("qualifiedtobuy", "contractsent"))).toEqual([]);
  });
  it("terminal stages: out of Closed Won only to Closed Lost, and only by a manager", () => {
    const set = compile(`
  - id: terminal
    on: { stageExited: Closed Won }
    transition:
      terminal:
        - { stage: Closed Won, allowedTo: [Closed Lost], by: { managers: true } }`);
    const manager = { ...makeChange().actor, isManager: true };
    expect(violated(set, move("closedwon", "contractsent", { actor: manager }))).toEqual(["terminal"]);
    expect(violated(set, move("closedwon", "closedlost"))).toEqual(["terminal"]);
    expect(violated(set, move("closedwon", "closedlost", { actor: manager }))).toEqual([]);
  });
  it("moves across pipelines are not judged by stage order", () => {
    const set = compile(`
  - id: back
    on: { stageChanged: true }
    transition: { backward: deny, maxSkip: 0 }`);
    expect(violated(set, move("contractsent", "1001", { pipelineId: "7654321", fromPipelineId: "default" }))).toEqual([]);
  });
});
