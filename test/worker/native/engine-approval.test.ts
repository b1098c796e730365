// An approval rule the engine alone enforces (no gate in HubSpot): a rep's entry is a violation — a task to the
// approver and a revert in enforce mode — while the approver's own move counts as the approval. HubSpot's approval
// API is never called.
import { beforeAll, describe, expect, it } from "vitest";
import { APPROVER_USER_ID, NATIVE_GATES_POLICY } from "../../fixtures/native-policies";
import { createHarness, rows, type Harness } from "../enforcement/harness";

describe("an approval rule the engine alone enforces (enforcement: engine, no gate in HubSpot)", () => {
  const ENGINE_ONLY = NATIVE_GATES_POLICY.replace("id: native-gates", "id: engine-gates").replaceAll("    enforcement: native+engine\n", "");
  let e: Harness;
  beforeAll(async () => {
    e = await createHarness({ policies: ENGINE_ONLY });
  }, 30_000);

  it("a rep's move needs the approver: task to the approver and a revert; the approver's own move passes; HubSpot is never asked", async () => {
    const rep = e.seed.owners[1];
    const approver = e.seed.owners.find((o) => o.userId === APPROVER_USER_ID);
    if (rep === undefined || approver === undefined) throw new Error("no owners");
    const deal = await e.portal.createDeal({ properties: { dealname: "Soylent", pipeline: "default", dealstage: "decisionmakerboughtin", hubspot_owner_id: rep.id, amount: "75000" }, as: { kind: "user", ownerId: rep.id } });
    await e.drain();
    await e.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: rep.id } });
    await e.drain();
    expect((await e.portal.getDeal(deal.id)).properties.dealstage).toBe("decisionmakerboughtin");
    expect((await e.portal.listTasks(deal.id)).map((t) => t.properties.hubspot_owner_id)).toEqual([approver.id]);
    await e.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", userId: APPROVER_USER_ID } });
    await e.drain();
    expect((await e.portal.getDeal(deal.id)).properties.dealstage).toBe("contractsent");
    expect(await rows<{ status: string }>("SELECT status FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ status: "resolved" }]);
    expect(await e.portal.calls({ pathIncludes: "/pipelines-rules/" })).toEqual([]);
  });
});
