// Entry requirements, CEL conditions, actor/source, exceptions with expiry, modes, severities, actions and messages.
import { describe, expect, it } from "vitest";
import { evaluateChange, loadPolicySet, normalizeChangeSource, runPolicyTestFile } from "./index";
import { makeChange, NOW, policyFile, TEST_PORTAL } from "./test-portal";
import type { CompiledPolicySet, DealChange, Violation } from "./types";

function compile(rules: string, header = ""): CompiledPolicySet {
  const result = loadPolicySet([policyFile(rules, header)], TEST_PORTAL);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}
const run = (set: CompiledPolicySet, change: DealChange, now = NOW): Violation[] => evaluateChange(set, change, { now }).violations;
const ids = (set: CompiledPolicySet, change: DealChange, now = NOW): string[] => run(set, change, now).map((v) => v.ruleId);
const toContract = (patch: Record<string, string | null> = {}, extra: Partial<DealChange> = {}): DealChange => {
  const base = makeChange({ fromStage: "decisionmakerboughtin", toStage: "contractsent" });
  return { ...base, new: { ...base.new, dealstage: "contractsent", ...patch }, ...extra };
};

describe("entry requirements", () => {
  const set = compile(`
  - id: fields
    on: { stageEntered: Contract Sent }
    require: [amount, closedate, hs_next_step]
    message: "Fill {{missing}} before {{change.to.label}}"
  - id: approval
    on: { stageEntered: Contract Sent }
    when: has(new.amount) && new.amount > 50000.0
    require: { manager_approved: true }
  - id: assoc
    on: { stageEntered: Contract Sent }
    associations: { contacts: 1, line_items: 1 }`);

  it("non-empty properties, named in `missing` and the message", () => {
    const v = run(set, toContract({ hs_next_step: "  " })).find((x) => x.ruleId === "fields");
    expect(v?.missing).toEqual(["hs_next_step"]);
    expect(v?.message).toBe("Fill Next step before Contract Sent");
  });
  it("a conditional requirement applies only when its condition holds", () => {
    expect(ids(set, toContract({ hs_next_step: "call", amount: "40000" }))).toEqual(["assoc"]);
    expect(ids(set, toContract({ hs_next_step: "call", amount: "60000" }))).toEqual(["approval", "assoc"]);
    expect(ids(set, toContract({ hs_next_step: "call", amount: "60000", manager_approved: "true" }))).toEqual(["assoc"]);
    expect(ids(set, toContract({ hs_next_step: "call", amount: "60000", manager_approved: "false" }))).toEqual(["approval", "assoc"]);
  });
  it("association requirements count contacts, companies and line items", () => {
    const v = run(set, toContract({ hs_next_step: "call" })).find((x) => x.ruleId === "assoc");
    expect(v?.missing).toEqual(["association:line_items"]);
    expect(ids(set, toContract({ hs_next_step: "call" }, { associations: { contacts: 2, companies: 0, line_items: 1 } }))).toEqual([]);
  });
  it("an unparseable number counts as missing", () => {
    expect(run(set, toContract({ hs_next_step: "call", amount: "lots" })).find((x) => x.ruleId === "fields")?.missing).toEqual(["amount"]);
  });
});

describe("CEL conditions over typed old/new/change/actor/now", () => {
  it("numbers are doubles, datetimes and dates epoch ms, bools bools", () => {
    const set = compile(`
  - id: typed
    on: { propertyChanged: [closedate, amount, manager_approved, kickoff_date] }
    assert: >-
      new.amount == 12.5 && new.closedate == 1782864000000.0 && new.manager_approved &&
      new.kickoff_date - old.kickoff_date == days(2) && now > new.closedate - days(365)`);
    const change = makeChange({
      fromStage: null, changedProperties: ["amount"],
      old: { kickoff_date: "2026-06-01" },
      new: { amount: "12.5", closedate: "2026-07-01T00:00:00.000Z", manager_approved: "TRUE", kickoff_date: "1780444800000" },
    });
    expect(ids(set, change)).toEqual([]);
    expect(ids(set, { ...change, new: { ...change.new, amount: "12.6" } })).toEqual(["typed"]);
  });
  it("change exposes from/to index, labels and closed/won/lost flags, and the changed properties", () => {
    const set = compile(`
  - id: flags
    on: { stageChanged: true }
    assert: change.to.isWon && change.to.isClosed && !change.to.isLost && change.from.index == 4 && change.to.label == "Closed Won" && "dealstage" in change.properties`);
    expect(ids(set, makeChange({ fromStage: "contractsent", toStage: "closedwon" }))).toEqual([]);
    expect(ids(set, makeChange({ fromStage: "contractsent", toStage: "closedlost" }))).toEqual(["flags"]);
  });
  it("an assert that can't be evaluated fails closed; a `when` that can't is not applicable", () => {
    const set = compile(`
  - id: assert-missing
    on: { stageChanged: true }
    assert: new.closed_lost_reason.size() > 3
  - id: when-missing
    on: { stageChanged: true }
    when: new.closed_lost_reason.size() > 3
    assert: "false"`);
    const v = run(set, makeChange());
    expect(v.map((x) => x.ruleId)).toEqual(["assert-missing"]);
    expect(v[0]?.trace.find((s) => s.check === "assert")?.detail).toMatch(/^could not be checked: /);
  });
});

describe("actor and change source", () => {
  it("maps HubSpot changeSource values to the names policies use", () => {
    expect(["CRM_UI", "CRM_UI_BULK_ACTION", "IMPORT", "WORKFLOW", "AUTOMATION", "INTEGRATION", "API", "HUBSPOT_INTERNAL", "SALES"].map(normalizeChangeSource))
      .toEqual(["ui", "bulk", "import", "workflow", "workflow", "integration", "api", "internal", "other"]);
  });
  it("appliesTo / exempt by source, user, team, manager and owner", () => {
    const set = compile(`
  - id: ui-only
    on: { stageChanged: true }
    appliesTo: [{ sources: [ui, bulk] }]
    assert: "false"
  - id: not-managers
    on: { stageChanged: true }
    exempt: [{ managers: true }, { users: ["userId:7"] }, { teams: [team-ops] }]
    assert: "false"
  - id: non-owner
    on: { stageChanged: true }
    appliesTo: [{ owner: false, sources: [CRM_UI] }]
    assert: "false"`);
    const actor = makeChange().actor;
    expect(ids(set, makeChange())).toEqual(["ui-only", "not-managers"]);
    expect(ids(set, makeChange({ actor: { ...actor, changeSource: "WORKFLOW", userId: null } }))).toEqual(["not-managers"]);
    expect(ids(set, makeChange({ actor: { ...actor, isManager: true } }))).toEqual(["ui-only"]);
    expect(ids(set, makeChange({ actor: { ...actor, userId: "7" } }))).toEqual(["ui-only"]);
    expect(ids(set, makeChange({ actor: { ...actor, teamIds: ["team-ops"] } }))).toEqual(["ui-only"]);
    expect(ids(set, makeChange({ actor: { ...actor, isDealOwner: false } }))).toEqual(["ui-only", "not-managers", "non-owner"]);
  });
});

describe("exceptions expire", () => {
  const set = compile(`
  - id: r
    on: { stageChanged: true }
    assert: "false"
    exceptions:
      - { deals: ["42"], reason: pilot customer, expires: 2026-06-30 }`, `exceptions:
  - { users: ["userId:9911"], reason: migration, expires: "2026-06-01T18:00:00Z" }
  - { teams: [team-apac], reason: new team onboarding, expires: 2026-12-31 }`);
  const other = makeChange({ dealId: "43" });
  it("users, teams and deals are excepted until the expiry, then the rule applies again", () => {
    expect(ids(set, makeChange())).toEqual([]);
    expect(ids(set, makeChange(), Date.UTC(2026, 5, 30, 23, 59))).toEqual([]);
    expect(ids(set, makeChange(), Date.UTC(2026, 6, 1))).toEqual(["r"]);
    expect(ids(set, { ...other, actor: { ...other.actor, userId: "9911" } })).toEqual([]);
    expect(ids(set, { ...other, actor: { ...other.actor, userId: "9911" } }, Date.UTC(2026, 5, 1, 18))).toEqual(["r"]);
    expect(ids(set, { ...other, ownerTeamIds: ["team-apac"] }, Date.UTC(2026, 11, 31, 12))).toEqual([]);
    expect(ids(set, { ...other, ownerTeamIds: ["team-apac"] }, Date.UTC(2027, 0, 1))).toEqual(["r"]);
  });
  it("an expired exception shows in the trace", () => {
    const v = run(set, makeChange(), Date.UTC(2026, 6, 2))[0];
    expect(v?.trace.find((s) => s.check === "exception")?.detail).toContain("expired 2026-06-30");
  });
});

describe("mode, severity, actions and messages", () => {
  const set = compile(`
  - id: audited
    on: { stageChanged: true }
    assert: "false"
  - id: enforced
    on: { stageChanged: true }
    mode: enforce
    severity: critical
    assert: "false"
    message: "{{new.dealname}} ({{new.amount}}, closes {{new.closedate}}) moved {{change.from.label}} → {{change.to.label}}; {{new.decision_maker}}"
    actions:
      - revert
      - notify-manager
      - task: { subject: "Fix {{new.dealname}}", assignee: { ownerId: "999" }, dueInBusinessDays: 3 }
      - task`, "mode: audit\nseverity: info");
  it("policy mode/severity are defaults; a rule overrides them", () => {
    const [audited, enforced] = run(set, makeChange());
    expect([audited?.mode, audited?.severity, enforced?.mode, enforced?.severity]).toEqual(["audit", "info", "enforce", "critical"]);
    expect(audited?.actions).toEqual([{ type: "log", note: "A condition of this rule is not met" }]);
  });
  it("renders templates with deal values, and plans every action", () => {
    const enforced = run(set, makeChange())[1];
    expect(enforced?.message).toBe("Acme (10000, closes 2026-07-01) moved Qualified To Buy → Presentation Scheduled; (empty)");
    expect(enforced?.actions.map((a) => a.type)).toEqual(["revert", "notify-manager", "task", "task"]);
    expect(enforced?.actions[0]?.revertTo).toEqual({ pipelineId: "default", stageId: "qualifiedtobuy" });
    expect(enforced?.actions[2]?.task).toEqual({ subject: "Fix Acme", body: `${enforced?.message ?? ""}\n\nWhat to fix: a condition of this rule is not met`, assignee: { kind: "owner-id", ownerId: "999" }, dueInBusinessDays: 3, priority: "HIGH" });
    expect(enforced?.actions[3]?.task?.assignee).toEqual({ kind: "owner" });
    expect(enforced?.policyVersion).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("warn mode", () => {
  const warned = compile(`
  - id: warned
    on: { stageChanged: true }
    mode: warn
    assert: "false"
    actions: [task, revert]`);

  it("compiles, and its violations say warn with every planned action (the plan decides what runs)", () => {
    const [v] = run(warned, makeChange());
    expect([v?.mode, v?.actions.map((a) => a.type)]).toEqual(["warn", ["task", "revert"]]);
  });
  it("a mode outside audit | warn | enforce is a check error naming the three", () => {
    const result = loadPolicySet([policyFile(`
  - id: r
    on: { stageChanged: true }
    mode: block
    assert: "false"`)], TEST_PORTAL);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error[0]?.message).toMatch(/audit.*warn.*enforce/);
  });
  it("a policy test can expect mode: warn", () => {
    const file = { path: "policies/tests/warn.yaml", text: `apiVersion: governance/v1
kind: PolicyTest
now: 2026-06-01T12:00:00Z
cases:
  - name: warned
    change: { from: Qualified To Buy, to: Presentation Scheduled }
    expect: { violations: [{ rule: warned, mode: warn, actions: [task, revert] }] }
  - name: a wrong mode fails
    change: { from: Qualified To Buy, to: Presentation Scheduled }
    expect: { violations: [{ rule: warned, mode: enforce }] }
` };
    const results = runPolicyTestFile(warned, TEST_PORTAL, file);
    expect(results.ok && results.value.map((r) => r.passed)).toEqual([true, false]);
  });
});
