// An approval end to end, both enforcement points: HubSpot's approval gate refuses the rep's unapproved move; a
// workflow's move (which HubSpot lets through) is judged by the engine from HubSpot's approval status — a task to
// the approver and, in enforce mode, a revert; once the approver approves in HubSpot the move goes through and the
// engine agrees.
import { beforeAll, describe, expect, it } from "vitest";
import { SimError } from "../../../sim/client";
import { getApprovalStatus, startApproval } from "../../../src/hubspot/pipeline-rules";
import { APPROVER_USER_ID, NATIVE_GATES_POLICY } from "../../fixtures/native-policies";
import { createHarness, rows, type Harness } from "../enforcement/harness";
import { applyNativeRules } from "./native-setup";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: NATIVE_GATES_POLICY });
  await applyNativeRules(h.portal, NATIVE_GATES_POLICY);
}, 30_000);

const gateway = () => ({ baseUrl: h.portal.simUrl, accessToken: h.portal.info.accessToken });

async function dealBeforeContract(amount: string) {
  const rep = h.seed.owners[1];
  if (rep === undefined) throw new Error("no rep");
  const deal = await h.portal.createDeal({
    properties: { dealname: "Umbrella", pipeline: "default", dealstage: "decisionmakerboughtin", hubspot_owner_id: rep.id, amount },
    as: { kind: "user", ownerId: rep.id },
  });
  await h.drain();
  return { deal, rep };
}

describe("large-deal approval gate", () => {
  it("refuses, then catches the bypass, then lets the approved move through", async () => {
    const { deal, rep } = await dealBeforeContract("60000");
    const approver = h.seed.owners.find((o) => o.userId === APPROVER_USER_ID);

    // 1. The rep tries in the UI: HubSpot asks for an approval first. Nothing is saved, nothing recorded.
    const refused = await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: rep.id } }).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(SimError);
    expect((refused as SimError).body).toMatchObject({ hubspot: { subCategory: "PipelineRulesError.APPROVAL_REQUIRED" } });
    await h.drain();
    expect(await rows("SELECT id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);

    // 2. A workflow moves it anyway (HubSpot's rules don't apply to workflows): the engine reads the approval status.
    await h.portal.clearCalls();
    await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "workflow" } });
    await h.drain();
    const reads = await h.portal.calls({ pathIncludes: `/approvals/${deal.id}` });
    expect(reads.map((c) => `${c.method} ${c.status}`)).toEqual(["GET 200"]);
    const [violation] = await rows<{ rule_id: string; reverted: number; missing: string; status: string }>("SELECT rule_id, reverted, missing, status FROM violations WHERE deal_id = ?", deal.id);
    expect(violation).toMatchObject({ rule_id: "large-deal-approval-gate", reverted: 1 });
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("decisionmakerboughtin");
    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.properties.hubspot_owner_id).toBe(approver?.id);
    expect(tasks[0]?.properties.hs_task_subject).toBe("Approve Umbrella for Contract Sent");

    // 3. The rep asks for approval; the approver approves in HubSpot.
    expect(await startApproval(gateway(), "default", deal.id)).toEqual({ ok: true, value: "PENDING" });
    await h.portal.decideApproval(deal.id, "APPROVED", APPROVER_USER_ID);
    expect(await getApprovalStatus(gateway(), "default", deal.id)).toEqual({ ok: true, value: "APPROVED" });

    // 4. Now the rep's move passes HubSpot, and the engine agrees (and counts the earlier violation fixed).
    await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: rep.id } });
    await h.drain();
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("contractsent");
    const after = await rows<{ rule_id: string; status: string }>("SELECT rule_id, status FROM violations WHERE deal_id = ?", deal.id);
    expect(after).toEqual([{ rule_id: "large-deal-approval-gate", status: "resolved" }]);
  });

  it("a deal under the threshold needs no approval at either point", async () => {
    const { deal, rep } = await dealBeforeContract("1000");
    expect(await getApprovalStatus(gateway(), "default", deal.id)).toEqual({ ok: true, value: "NO_APPROVAL_NEEDED" });
    await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: rep.id } });
    await h.drain();
    expect(await rows("SELECT id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);
  });

  it("an outage of the approvals API retries the batch; the move is judged once", async () => {
    const { deal } = await dealBeforeContract("80000");
    await h.portal.setKnobs({ faults: { script: [{ status: 503, count: 1, pathIncludes: "/approvals/" }] } });
    await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "workflow" } });
    const report = await h.drain();
    expect(report.retries).toBeGreaterThan(0);
    expect(await rows<{ rule_id: string; reverted: number }>("SELECT rule_id, reverted FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ rule_id: "large-deal-approval-gate", reverted: 1 }]);
    expect(await h.portal.listTasks(deal.id)).toHaveLength(1);
  });
});
