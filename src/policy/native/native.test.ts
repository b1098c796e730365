// The native compile: what a policy set becomes in HubSpot's pipeline rules, the refusal of native+engine rules it
// can't express (file:line:col + why), the CEL → filter translation, the diff, and the coverage matrix.
import { describe, expect, it } from "vitest";
import { formatPolicyError, loadPolicySet } from "../index";
import { indexPortal } from "../portal-index";
import { TEST_PORTAL } from "../test-portal";
import type { CompiledPolicySet } from "../types";
import { compileNativePlan, computeCoverage, diffNative, translateCondition } from "./index";

const HEAD = "apiVersion: governance/v1\nkind: DealPolicy\nid: gates\nmode: enforce\nscope: { pipelines: [Sales Pipeline] }\n";

function load(text: string): CompiledPolicySet {
  const result = loadPolicySet([{ path: "policies/gates.yaml", text }], TEST_PORTAL);
  if (!result.ok) throw new Error(result.error.map(formatPolicyError).join("\n"));
  return result.value;
}

function errorsOf(text: string): string[] {
  const result = loadPolicySet([{ path: "policies/gates.yaml", text }], TEST_PORTAL);
  return result.ok ? [] : result.error.map(formatPolicyError);
}

const NATIVE = `${HEAD}rules:
  - id: one-step
    enforcement: native+engine
    on: { stageChanged: true }
    transition: { maxSkip: 0, backward: deny, backwardAllowedTo: [Closed Lost] }
    actions: [revert]
  - id: created-early
    enforcement: native+engine
    on: { created: true }
    transition: { createdIn: [Appointment Scheduled, Qualified To Buy] }
  - id: big-deal-approval
    enforcement: native+engine
    requireApproval:
      stage: Contract Sent
      approvers: ["userId:5000001", "5000002"]
      when: new.amount > 50000.0 && (new.hs_priority == "high" || !has(new.hs_priority))
  - id: won-is-locked
    enforcement: native+engine
    restrictEdits: { stages: [Closed Won], users: ["5000009"], teams: ["team-ops"] }
  - id: next-step-on-back
    on: { stageChanged: true }
    when: '!("hs_next_step" in change.properties)'
    transition: { backward: deny }
`;

describe("compileNativePlan", () => {
  it("compiles native+engine rules into one configuration per pipeline, by the documented readings", () => {
    const plan = compileNativePlan(load(NATIVE));
    const sales = plan.pipelines.find((p) => p.pipelineId === "default");
    expect(sales?.rules.noSkippingStagesRule).toEqual({
      enabledForAllStages: false,
      pipelineStageIds: ["qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent"],
    });
    // Closed Lost is the last stage: no move into it is backward, so "all but Closed Lost" is every stage.
    expect(sales?.rules.noBackwardsMovementRule).toEqual({ enabledForAllStages: true, pipelineStageIds: [] });
    expect(sales?.rules.objectCreationRule).toEqual({ pipelineStageIds: ["appointmentscheduled", "qualifiedtobuy"] });
    expect(sales?.rules.approvalStage).toMatchObject({ pipelineStageId: "contractsent", approvalMode: "ANY", approverUserIds: ["5000001", "5000002"] });
    expect(sales?.rules.approvalStage?.conditionalApprovalFilterBranch?.filterBranches).toHaveLength(2);
    expect(sales?.stagePermissions.find((s) => s.pipelineStageId === "closedwon")).toEqual({
      pipelineStageId: "closedwon", permissionMode: "RESTRICTED", userIds: ["5000009"], teamIds: ["team-ops"], superAdmin: true,
    });
    expect(sales?.stagePermissions.filter((s) => s.permissionMode === "OPEN")).toHaveLength(6);
    // The policy is scoped to the Sales Pipeline: Renewals gets nothing.
    expect(plan.pipelines.find((p) => p.pipelineId === "7654321")?.rules).toEqual({ noSkippingStagesRule: null, noBackwardsMovementRule: null, objectCreationRule: null, approvalStage: null });
  });

  it("lists each engine-only rule with why", () => {
    const plan = compileNativePlan(load(NATIVE));
    const back = plan.rules.find((r) => r.ruleId === "next-step-on-back");
    expect(back?.compiled).toBe(false);
    expect(back?.blockers.join("; ")).toContain("a CEL condition (when:");
    expect(plan.rules.filter((r) => r.compiled).map((r) => r.ruleId)).toEqual(["one-step", "created-early", "big-deal-approval", "won-is-locked"]);
  });

  it("an engine rule that could compile says so and changes nothing natively", () => {
    const plan = compileNativePlan(load(`${HEAD}rules:\n  - id: a\n    on: { stageChanged: true }\n    transition: { maxSkip: 0 }\n`));
    expect(plan.rules[0]).toMatchObject({ compiled: false, blockers: [], enforcement: "engine" });
    expect(plan.pipelines.every((p) => p.rules.noSkippingStagesRule === null)).toBe(true);
  });
});

describe("check refuses native+engine rules HubSpot can't enforce", () => {
  it("names file:line:col, the rule's enforcement field and every reason", () => {
    const text = `apiVersion: governance/v1\nkind: DealPolicy\nid: gates\nrules:\n  - id: skip-two\n    enforcement: native+engine\n    on: { stageChanged: true }\n    transition: { maxSkip: 2 }\n    exempt: [{ managers: true }]\n`;
    expect(errorsOf(text)).toEqual([
      "policies/gates.yaml:6:18 rules[0].enforcement: HubSpot's pipeline rules can't enforce this rule: exemptions HubSpot can't make (exempt: managers); audit mode: HubSpot can only block, it has no warn-only mode; skipping up to 2 stage(s): HubSpot allows either no skip or any (use enforcement: engine)",
    ]);
  });

  it("exempting sources HubSpot never applies to is fine; a second approval gate in a pipeline is not", () => {
    const ok = `${HEAD}rules:\n  - id: a\n    enforcement: native+engine\n    on: { stageChanged: true }\n    transition: { maxSkip: 0 }\n    exempt: [{ sources: [import, workflow] }]\n`;
    expect(errorsOf(ok)).toEqual([]);
    const two = `${HEAD}rules:\n  - id: a\n    enforcement: native+engine\n    requireApproval: { stage: Contract Sent, approvers: ["1"] }\n  - id: b\n    enforcement: native+engine\n    requireApproval: { stage: Closed Won, approvers: ["2"] }\n`;
    expect(errorsOf(two)).toEqual([
      "policies/gates.yaml:11:18 rules[1].enforcement: HubSpot's pipeline rules can't enforce this rule: Sales Pipeline already has its one approval gate (from gates/a) (use enforcement: engine)",
    ]);
  });

  it("an approval condition outside the filter language is a reason", () => {
    const text = `${HEAD}rules:\n  - id: a\n    enforcement: native+engine\n    requireApproval: { stage: Contract Sent, approvers: ["1"], when: "new.closedate < 1700000000000.0" }\n`;
    expect(errorsOf(text)[0]).toContain("the approval condition doesn't fit HubSpot's filter language: closedate is a date");
  });
});

describe("translateCondition", () => {
  const index = indexPortal(TEST_PORTAL);
  it("turns && / || into an OR of AND groups with typed operations", () => {
    const out = translateCondition("has(new.amount) && (new.amount >= 1000 || 500 > new.amount)", index);
    expect(out).toEqual({
      ok: true,
      value: {
        filterBranchType: "OR",
        filters: [],
        filterBranches: [
          { filterBranchType: "AND", filterBranches: [], filters: [
            { filterType: "PROPERTY", property: "amount", operation: { operationType: "ALL_PROPERTY", operator: "IS_KNOWN" } },
            { filterType: "PROPERTY", property: "amount", operation: { operationType: "NUMBER", operator: "IS_GREATER_THAN_OR_EQUAL_TO", value: 1000 } },
          ] },
          { filterBranchType: "AND", filterBranches: [], filters: [
            { filterType: "PROPERTY", property: "amount", operation: { operationType: "ALL_PROPERTY", operator: "IS_KNOWN" } },
            { filterType: "PROPERTY", property: "amount", operation: { operationType: "NUMBER", operator: "IS_LESS_THAN", value: 500 } },
          ] },
        ],
      },
    });
  });
  it("refuses what HubSpot's filters can't say", () => {
    expect(translateCondition("old.amount > 5", index)).toEqual({ ok: false, error: "conditions on the previous value (old.*)" });
    expect(translateCondition("actor.isManager", index).ok).toBe(false);
    expect(translateCondition("new.amount > new.hs_acv", index).ok).toBe(false);
  });
});

describe("diffNative", () => {
  it("says what differs in words, and nothing once applied", () => {
    const set = load(NATIVE);
    const plan = compileNativePlan(set);
    const index = indexPortal(TEST_PORTAL);
    const empty = plan.pipelines.map((p) => ({ pipelineId: p.pipelineId, rules: { noSkippingStagesRule: null, noBackwardsMovementRule: null, objectCreationRule: null, approvalStage: null }, stagePermissions: [] }));
    const before = diffNative(plan.pipelines, empty, index);
    const sales = before.find((d) => d.pipelineId === "default");
    expect(sales?.rulesDiffer).toBe(true);
    expect(sales?.permissionsDiffer).toBe(true);
    expect(sales?.lines.find((l) => l.what === "no skipping stages")).toEqual({ what: "no skipping stages", current: "off", desired: "Qualified To Buy, Presentation Scheduled, Decision Maker Bought-In, Contract Sent" });
    expect(before.find((d) => d.pipelineId === "7654321")?.lines).toEqual([]);
    const applied = plan.pipelines.map((p) => ({ pipelineId: p.pipelineId, rules: p.rules, stagePermissions: [...p.stagePermissions].reverse() }));
    expect(diffNative(plan.pipelines, applied, index).every((d) => d.lines.length === 0)).toBe(true);
  });
});

describe("computeCoverage", () => {
  it("HubSpot before the save for UI, bulk and user-attributed API; the engine for the bypass sources", () => {
    const rows = computeCoverage(load(NATIVE));
    const oneStep = rows.find((r) => r.ruleId === "one-step");
    expect(oneStep?.cells).toEqual({
      ui: "hubspot", bulk: "hubspot", "api-user": "hubspot",
      import: "engine", workflow: "engine", api: "engine", integration: "engine", "super-admin": "engine",
    });
    const back = rows.find((r) => r.ruleId === "next-step-on-back");
    expect(Object.values(back?.cells ?? {}).every((c) => c === "engine")).toBe(true);
    expect(back?.why).toContain("engine only: a CEL condition");
  });
  it("an exempt source is not checked; an audit rule is the engine recording only", () => {
    const rows = computeCoverage(load(`apiVersion: governance/v1\nkind: DealPolicy\nid: p\nrules:\n  - id: a\n    on: { stageChanged: true }\n    transition: { maxSkip: 0 }\n    exempt: [{ sources: [import] }]\n`));
    expect(rows[0]?.cells.import).toBe("not-checked");
    expect(rows[0]?.cells.ui).toBe("engine-audit");
  });
});

describe("describeFilterBranch", () => {
  it("reads like the condition it came from", async () => {
    const { describeFilterBranch } = await import("./filter");
    const out = translateCondition('new.amount >= 1000 && (new.hs_priority == "high" || !has(new.closedate)) && new.manager_approved == true', indexPortal(TEST_PORTAL));
    if (!out.ok) throw new Error(out.error);
    expect(describeFilterBranch(out.value)).toBe("(amount ≥ 1000 and hs_priority is any of high and manager_approved = true) or (amount ≥ 1000 and closedate is unknown and manager_approved = true)");
  });
});
