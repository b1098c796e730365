// Deals that no longer exist are recorded and dropped (not retried); a workflow that keeps moving a deal stops
// being reverted at the per-deal hourly cap.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce"), env: { MAX_REVERTS_PER_DEAL_PER_HOUR: "2" } });
}, 30_000);

describe("deleted deals", () => {
  it("drops the events of a deal deleted before processing, without retries", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", {}, 0);
    const before = Date.now();
    await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: owner.id } });
    await h.portal.deleteDeal(deal.id, { kind: "user", ownerId: owner.id });
    const report = await h.drain();
    expect(report.retries).toBe(0);
    expect(await rows("SELECT id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);
    expect(await h.portal.listTasks(deal.id)).toEqual([]);
    const inbox = await rows<{ status: string; status_reason: string }>(
      "SELECT DISTINCT status, status_reason FROM inbox_events WHERE object_id = ? AND occurred_at >= ?",
      deal.id,
      before,
    );
    expect(inbox.length).toBeGreaterThan(0);
    for (const row of inbox) {
      expect(row.status).toBe("dropped");
      expect(["deal deleted", "deal no longer exists in HubSpot"]).toContain(row.status_reason);
    }
    expect(await rows("SELECT status FROM deal_state WHERE deal_id = ?", deal.id)).toEqual([{ status: "deleted" }]);
  }, 30_000);

  it("drops a change whose deal is gone by the time it is read", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", {}, 0);
    await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: owner.id } });
    await h.portal.flushWebhooks();
    const moves = await h.portal.takeDeliveries({ includeScheduled: true });
    for (const d of moves) await h.portal.reportDelivery(d.deliveryId, 200);
    await h.portal.deleteDeal(deal.id, { kind: "user", ownerId: owner.id });
    await h.deliver(moves.flatMap((d) => JSON.parse(d.body) as unknown[]));
    const inbox = await rows<{ status: string; status_reason: string }>(
      "SELECT DISTINCT status, status_reason FROM inbox_events WHERE object_id = ? AND subscription_type = 'deal.propertyChange' AND received_at > 0 AND property_name = 'dealstage' ORDER BY occurred_at DESC LIMIT 1",
      deal.id,
    );
    expect(inbox).toEqual([{ status: "dropped", status_reason: "deal no longer exists in HubSpot" }]);
    expect(await rows("SELECT id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);
    await h.drain();
  }, 30_000);
});

describe("workflow ping-pong", () => {
  it("stops reverting at the cap", async () => {
    const { deal } = await dealIn(h, "appointmentscheduled", { amount: "10", closedate: String(Date.now() + 86_400_000) }, 0);
    for (let i = 0; i < 3; i++) {
      await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "workflow", workflowId: "wf-42" } });
      await h.drain();
    }
    const reverts = await rows<{ status: string }>("SELECT status FROM reverts WHERE deal_id = ? ORDER BY planned_at", deal.id);
    expect(reverts.map((r) => r.status)).toEqual(["done", "done", "skipped"]);
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("presentationscheduled");
    // Two stage writes (a PATCH, or a batch update when the governance values ride along), none for the third move.
    const patches = (await h.portal.calls({ method: "PATCH" })).filter((c) => c.path.includes(`/deals/${deal.id}`));
    const batched = (await h.portal.calls({ pathIncludes: "/deals/batch/update" })).filter((c) => JSON.stringify(c.body).includes(`"id":"${deal.id}"`) && JSON.stringify(c.body).includes('"dealstage"'));
    const writes = [...patches, ...batched];
    expect(writes).toHaveLength(2);
    // One open task for the rule, however often the workflow repeats the move: each reverted move's task supersedes
    // (completes) the one before.
    expect((await h.portal.listTasks(deal.id)).filter((t) => t.properties.hs_task_status !== "COMPLETED")).toHaveLength(1);
    const v = await rows<{ n: number }>("SELECT count(*) AS n FROM violations WHERE deal_id = ? AND rule_id = 'no-skip'", deal.id);
    expect(v[0]?.n).toBe(3);
  }, 60_000);
});
