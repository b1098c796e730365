// The gate-like rule kinds evaluated by the engine: requireApproval (HubSpot's status is an input; an approver's
// own move counts), transition.createdIn, restrictEdits — and their default actions.
import { describe, expect, it } from "vitest";
import { evaluateChange, formatPolicyError, loadPolicySet } from "./index";
import { makeChange, NOW, policyFile, TEST_PORTAL } from "./test-portal";
import type { CompiledPolicySet } from "./types";

function load(rules: string): CompiledPolicySet {
  const result = loadPolicySet([policyFile(rules, "mode: enforce")], TEST_PORTAL);
  if (!result.ok) throw new Error(result.error.map(formatPolicyError).join("\n"));
  return result.value;
}

const APPROVAL = load(`  - id: gate
    requireApproval: { stage: Contract Sent, approvers: ["userId:77", "78"], when: "new.amount > 50000.0" }`);
const toContract = (extra: Parameters<typeof makeChange>[0] = {}) =>
  makeChange({ fromStage: "decisionmakerboughtin", toStage: "contractsent", changedProperties: ["dealstage"], new: { amount: "60000", dealstage: "contractsent", dealname: "Acme" }, ...extra });

describe("requireApproval", () => {
  it("an unapproved entry violates, with a task to the first approver and a revert", () => {
    const v = evaluateChange(APPROVAL, toContract({ approval: "PENDING" }), { now: NOW }).violations;
    expect(v).toHaveLength(1);
    expect(v[0]?.message).toBe("Contract Sent needs an approval (HubSpot says PENDING)");
    expect(v[0]?.actions.map((a) => a.type)).toEqual(["task", "revert"]);
    expect(v[0]?.actions[0]?.task?.assignee).toEqual({ kind: "user-id", userId: "77" });
  });
  it("passes when HubSpot says APPROVED, when an approver moved it, or when the condition doesn't hold", () => {
    expect(evaluateChange(APPROVAL, toContract({ approval: "APPROVED" }), { now: NOW }).violations).toEqual([]);
    const byApprover = toContract();
    byApprover.actor = { ...byApprover.actor, userId: "78" };
    expect(evaluateChange(APPROVAL, byApprover, { now: NOW }).violations).toEqual([]);
    expect(evaluateChange(APPROVAL, toContract({ new: { amount: "100", dealstage: "contractsent" } }), { now: NOW }).violations).toEqual([]);
  });
  it("without a status (no native gate) a rep's move needs the approver", () => {
    expect(evaluateChange(APPROVAL, toContract(), { now: NOW }).violations[0]?.message).toBe("Contract Sent needs an approval (no approval status)");
  });
});

describe("transition.createdIn and restrictEdits", () => {
  const set = load(`  - id: created-early
    on: { created: true }
    transition: { createdIn: [Appointment Scheduled] }
  - id: won-locked
    restrictEdits: { stages: [Closed Won], users: ["userId:9"] }`);
  it("a deal created in a later stage violates createdIn", () => {
    const created = makeChange({ kind: "created", fromStage: null, toStage: "contractsent", changedProperties: ["dealstage"] });
    expect(evaluateChange(set, created, { now: NOW }).violations.map((v) => v.ruleId)).toEqual(["created-early"]);
    expect(evaluateChange(set, { ...created, toStage: "appointmentscheduled" }, { now: NOW }).violations).toEqual([]);
  });
  it("an edit of a Closed Won deal by someone not allowed violates restrictEdits; the allowed user passes", () => {
    const edit = makeChange({ fromStage: null, toStage: "closedwon", changedProperties: ["amount"] });
    expect(evaluateChange(set, edit, { now: NOW }).violations.map((v) => v.message)).toEqual(["Only users userId:9 may edit deals in Closed Won"]);
    expect(evaluateChange(set, { ...edit, actor: { ...edit.actor, userId: "9" } }, { now: NOW }).violations).toEqual([]);
  });
});
