// The simulated pipelines-rules API (2026-09-beta): shapes, validation, and the enforcement of creation stages,
// stage edit permissions and approvals before the save — only for people in HubSpot's tools.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SimClient, SimError, type SimPortal } from "../client";

let portal: SimPortal;
let base: string;
let seeded: Awaited<ReturnType<SimPortal["seed"]>>;
beforeAll(async () => {
  portal = await new SimClient(inject("simUrl")).createPortal();
  seeded = await portal.seed({ pipelines: "default", teams: 2, ownersPerTeam: 2, deals: 0 });
  base = `${inject("simUrl")}/crm/pipelines-rules/2026-09-beta/0-3`;
});
afterAll(async () => portal.destroy());

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${portal.info.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? null : (JSON.parse(text) as unknown) };
}

const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof SimError ? e : null));

describe("rules endpoints", () => {
  it("GET of a pipeline without rules; PUT replaces, PATCH merges, DELETE clears", async () => {
    expect(await api("GET", "/default")).toEqual({ status: 200, json: { governanceValidationRules: { noSkippingStagesRule: null, noBackwardsMovementRule: null, objectCreationRule: null }, approvalStage: null } });
    const put = await api("PUT", "/default", { governanceValidationRules: { objectCreationRule: { pipelineStageIds: ["appointmentscheduled"] } } });
    expect(put.json).toMatchObject({ governanceValidationRules: { objectCreationRule: { pipelineStageIds: ["appointmentscheduled"] }, noSkippingStagesRule: null } });
    const patch = await api("PATCH", "/default", { noBackwardsMovementRule: { enabledForAllStages: true, pipelineStageIds: [] } });
    expect(patch.json).toMatchObject({ governanceValidationRules: { objectCreationRule: { pipelineStageIds: ["appointmentscheduled"] }, noBackwardsMovementRule: { enabledForAllStages: true } } });
    expect((await api("DELETE", "/default")).status).toBe(204);
    expect((await api("GET", "/default")).json).toMatchObject({ governanceValidationRules: { objectCreationRule: null } });
  });

  it("answers HubSpot's errors: unknown stage 400, unknown pipeline 404, bad body 400, other object types 400, no token 401", async () => {
    const unknown = await api("PUT", "/default", { governanceValidationRules: { noSkippingStagesRule: { enabledForAllStages: false, pipelineStageIds: ["nope"] } } });
    expect(unknown).toMatchObject({ status: 400, json: { status: "error", category: "VALIDATION_ERROR", message: "Unknown stages for pipeline default: nope" } });
    expect((await api("GET", "/999")).status).toBe(404);
    expect((await api("PATCH", "/default", { noSkippingStagesRule: { enabledForAllStages: "yes" } })).status).toBe(400);
    expect((await fetch(`${inject("simUrl")}/crm/pipelines-rules/2026-09-beta/0-1/default`, { headers: { authorization: `Bearer ${portal.info.accessToken}` } })).status).toBe(400);
    expect((await fetch(`${base}/default`)).status).toBe(401);
  });
});

describe("enforcement before the save", () => {
  it("creation stages: a rep can't create a deal in a later stage; an import can", async () => {
    await api("PUT", "/default", { governanceValidationRules: { objectCreationRule: { pipelineStageIds: ["appointmentscheduled", "qualifiedtobuy"] } } });
    const e = await refusal(portal.createDeal({ properties: { dealname: "Late", dealstage: "contractsent" }, as: { kind: "user" } }));
    expect(e?.body).toMatchObject({ hubspot: { subCategory: "PipelineRulesError.OBJECT_CREATION" } });
    const imported = await portal.importRows([{ properties: { dealname: "Imported late", dealstage: "contractsent" } }]);
    expect(imported.results[0]?.ok).toBe(true);
    await api("DELETE", "/default");
  });

  it("stage edit permissions: only the listed users/teams (and super admins) edit a restricted stage; workflows aren't stopped", async () => {
    const [a, b] = seeded.owners;
    if (a === undefined || b === undefined) throw new Error("no owners");
    const put = await api("PUT", "/default/stage-edit-permissions", { inputs: [{ pipelineStageId: "closedwon", permissionMode: "RESTRICTED", userIds: [String(a.userId)], teamIds: [], superAdmin: true }] });
    expect((put.json as { results: Array<{ pipelineStageId: string; permissionMode: string }> }).results.map((r) => `${r.pipelineStageId}:${r.permissionMode}`)).toContain("closedwon:RESTRICTED");
    const deal = await portal.createDeal({ properties: { dealname: "Won", dealstage: "closedwon", hubspot_owner_id: b.id }, as: { kind: "user", userId: a.userId } });
    const e = await refusal(portal.updateDeal(deal.id, { amount: 5 }, { kind: "user", userId: b.userId }));
    expect(e?.body).toMatchObject({ hubspot: { subCategory: "PipelineRulesError.STAGE_EDIT_PERMISSION" } });
    await portal.updateDeal(deal.id, { amount: 6 }, { kind: "user", userId: a.userId });
    await portal.updateDeal(deal.id, { amount: 7 }, { kind: "user", userId: b.userId, superAdmin: true });
    await portal.updateDeal(deal.id, { amount: 8 }, { kind: "workflow" });
    expect((await portal.getDeal(deal.id)).properties.amount).toBe("8");
  });

  it("approvals: NOT_APPLICABLE without a gate; NO_APPROVAL_NEEDED under the condition; PENDING → APPROVED by an approver", async () => {
    const deal = await portal.createDeal({ properties: { dealname: "Big", dealstage: "decisionmakerboughtin", amount: 90000 }, as: { kind: "user" } });
    expect((await api("GET", `/default/approvals/${deal.id}`)).json).toEqual({ objectId: deal.id, status: "NOT_APPLICABLE" });
    await api("PATCH", "/default", {
      approvalStage: {
        pipelineStageId: "contractsent", approvalMode: "ANY", approverUserIds: ["5000001"], approvalComment: "",
        conditionalApprovalFilterBranch: { filterBranchType: "OR", filters: [], filterBranches: [{ filterBranchType: "AND", filterBranches: [], filters: [{ filterType: "PROPERTY", property: "amount", operation: { operationType: "NUMBER", operator: "IS_GREATER_THAN", value: 50000 } }] }] },
      },
    });
    expect((await api("GET", `/default/approvals/${deal.id}`)).json).toMatchObject({ status: "PENDING" });
    expect((await refusal(portal.moveStage(deal.id, "contractsent", { as: { kind: "api", userId: 5000002 } })))?.body).toMatchObject({ hubspot: { subCategory: "PipelineRulesError.APPROVAL_REQUIRED" } });
    expect((await api("POST", "/default/approvals/start", { objectId: deal.id })).json).toEqual({ objectId: deal.id, status: "PENDING" });
    expect((await refusal(portal.decideApproval(deal.id, "APPROVED", 5000002)))?.code).toBe("NOT_AN_APPROVER");
    await portal.decideApproval(deal.id, "APPROVED", 5000001);
    expect((await api("GET", `/default/approvals/${deal.id}`)).json).toMatchObject({ status: "APPROVED" });
    await portal.moveStage(deal.id, "contractsent", { as: { kind: "api", userId: 5000002 } });
    const small = await portal.createDeal({ properties: { dealname: "Small", dealstage: "decisionmakerboughtin", amount: 100 }, as: { kind: "user" } });
    expect((await api("GET", `/default/approvals/${small.id}`)).json).toMatchObject({ status: "NO_APPROVAL_NEEDED" });
  });
});
