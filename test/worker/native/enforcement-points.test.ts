// One policy, two enforcement points, end to end: with the native rules applied, a skip by each change source is
// either refused by HubSpot before the save (UI, bulk, API with a user id — nothing reaches the engine, nothing is
// recorded) or saved and judged by the engine after it (workflow, API without a user id, another app, a super
// admin — reverted in enforce mode); imports are exempt by the policy.
import { beforeAll, describe, expect, it } from "vitest";
import { SimError, type Actor } from "../../../sim/client";
import { NATIVE_GATES_POLICY } from "../../fixtures/native-policies";
import { createHarness, rows, type Harness } from "../enforcement/harness";
import { applyNativeRules } from "./native-setup";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: NATIVE_GATES_POLICY });
  await applyNativeRules(h.portal, NATIVE_GATES_POLICY);
}, 30_000);

type Expect = "hubspot" | "engine" | "exempt";

async function trySkip(as: Actor | "import"): Promise<{ dealId: string; refused: SimError | null }> {
  const owner = h.seed.owners[1];
  if (owner === undefined) throw new Error("no owner");
  const deal = await h.portal.createDeal({ properties: { dealname: "Initech", pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id, amount: "9000" }, as: { kind: "user", ownerId: owner.id } });
  await h.drain();
  let refused: SimError | null = null;
  try {
    if (as === "import") await h.portal.importRows([{ id: deal.id, properties: { dealstage: "presentationscheduled" } }]);
    else await h.portal.moveStage(deal.id, "presentationscheduled", { as });
  } catch (e) {
    if (!(e instanceof SimError)) throw e;
    refused = e;
  }
  await h.drain();
  return { dealId: deal.id, refused };
}

const owner = () => h.seed.owners[1]?.userId ?? 0;
const MATRIX: Array<[string, () => Actor | "import", Expect]> = [
  ["CRM UI", () => ({ kind: "user", userId: owner() }), "hubspot"],
  ["bulk edit", () => ({ kind: "bulk", userId: owner() }), "hubspot"],
  ["API with a user id", () => ({ kind: "api", userId: owner() }), "hubspot"],
  ["workflow", () => ({ kind: "workflow" }), "engine"],
  ["API without a user id", () => ({ kind: "api" }), "engine"],
  ["another integration", () => ({ kind: "integration", appId: "777" }), "engine"],
  ["super admin in the UI", () => ({ kind: "user", userId: owner(), superAdmin: true }), "engine"],
  ["import", () => "import", "exempt"],
];

describe("change source × enforcement point", () => {
  for (const [name, actor, expected] of MATRIX) {
    it(`${name}: ${expected === "hubspot" ? "HubSpot refuses it before the save; the engine records nothing" : expected === "engine" ? "saved, then judged and reverted by the engine" : "saved; the policy exempts it"}`, async () => {
      const { dealId, refused } = await trySkip(actor());
      const violations = await rows<{ rule_id: string; reverted: number; change_source: string }>("SELECT rule_id, reverted, change_source FROM violations WHERE deal_id = ?", dealId);
      const transitions = await rows<{ to_stage: string }>("SELECT to_stage FROM stage_transitions WHERE deal_id = ? ORDER BY occurred_at", dealId);
      const deal = await h.portal.getDeal(dealId);
      expect(deal.properties.dealstage).toBe(expected === "exempt" ? "presentationscheduled" : "appointmentscheduled");
      switch (expected) {
        case "hubspot":
          expect(refused?.code).toBe("NATIVE_RULE_REFUSED");
          expect(refused?.body).toMatchObject({ hubspot: { status: "error", category: "VALIDATION_ERROR", subCategory: "PipelineRulesError.NO_SKIPPING_STAGES" } });
          // The move never happened: no violation, no transition beyond the creation.
          expect(violations).toEqual([]);
          expect(transitions.map((t) => t.to_stage)).toEqual(["appointmentscheduled"]);
          break;
        case "engine":
          expect(refused).toBeNull();
          expect(violations).toEqual([expect.objectContaining({ rule_id: "one-stage-at-a-time", reverted: 1 })]);
          expect(transitions.map((t) => t.to_stage)).toEqual(["appointmentscheduled", "presentationscheduled"]);
          break;
        case "exempt":
          expect(refused).toBeNull();
          expect(violations).toEqual([]);
          break;
      }
    });
  }
});

describe("what HubSpot refused", () => {
  it("is visible in the portal's refusal log, and a one-step move goes through both points", async () => {
    const refusals = await h.portal.nativeRefusals();
    expect(refusals.filter((r) => r.code === "NO_SKIPPING_STAGES").map((r) => r.sourceType).sort()).toEqual(["API", "CRM_UI", "CRM_UI_BULK_ACTION"]);
    const o = h.seed.owners[1];
    if (o === undefined) throw new Error("no owner");
    const deal = await h.portal.createDeal({ properties: { dealname: "Hooli", pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: o.id }, as: { kind: "user", ownerId: o.id } });
    await h.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: o.id } });
    await h.drain();
    expect(await rows("SELECT id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);
  });
});
