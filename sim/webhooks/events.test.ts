// Every kind of change produces HubSpot's events with the right changeSource/sourceId, in batches under 100.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { SimClient, type SimOwner, type SimPortal, type WebhookEvent } from "../client";
import { crm } from "../testing/crm";

let portal: SimPortal;
let owner: SimOwner;

beforeAll(async () => {
  portal = await new SimClient(inject("simUrl")).createPortal({ webhook: { mode: "outbox" }, limits: { enabled: false } });
  const seeded = await portal.seed({});
  const first = seeded.owners[2];
  if (!first) throw new Error("owner");
  owner = first;
});

async function drain(): Promise<WebhookEvent[]> {
  const deliveries = await portal.takeDeliveries();
  for (const d of deliveries) await portal.reportDelivery(d.deliveryId, 200);
  return deliveries.flatMap((d) => d.events);
}

describe("webhook events", () => {
  it("creation: deal.creation (CREATED) plus one propertyChange per set property, as the acting user", async () => {
    await drain();
    const deal = await portal.createDeal({ properties: { dealname: "Evt", dealstage: "appointmentscheduled", amount: 10 }, as: { kind: "user", userId: owner.userId } });
    const events = await drain();
    const creation = events.find((e) => e.subscriptionType === "deal.creation");
    expect(creation).toMatchObject({ objectId: Number(deal.id), changeFlag: "CREATED", portalId: portal.info.portalId, appId: Number(portal.info.appId), attemptNumber: 0, changeSource: "CRM_UI", sourceId: `userId:${owner.userId}` });
    expect(events.filter((e) => e.subscriptionType === "deal.propertyChange").map((e) => e.propertyName).sort()).toEqual(["amount", "dealname", "dealstage", "pipeline"]);
    expect(events.every((e) => typeof e.eventId === "number" && typeof e.occurredAt === "number" && typeof e.subscriptionId === "number")).toBe(true);
  });

  it("a user's stage move: one propertyChange with the new value only", async () => {
    const deal = await portal.createDeal({ properties: { dealname: "Move", dealstage: "appointmentscheduled" } });
    await drain();
    await portal.moveStage(deal.id, "contractsent", { as: { kind: "user", userId: owner.userId } });
    const events = await drain();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ subscriptionType: "deal.propertyChange", propertyName: "dealstage", propertyValue: "contractsent", changeSource: "CRM_UI", sourceId: `userId:${owner.userId}` });
    expect(events[0]).not.toHaveProperty("oldValue");
  });

  it("the engine's own API write comes back as INTEGRATION with sourceId = app id", async () => {
    const deal = await portal.createDeal({ properties: { dealname: "Echo", dealstage: "contractsent" } });
    await drain();
    await crm(portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { dealstage: "qualifiedtobuy" } });
    const [event] = await drain();
    expect(event).toMatchObject({ propertyName: "dealstage", propertyValue: "qualifiedtobuy", changeSource: "INTEGRATION", sourceId: portal.info.appId });
  });

  it("a pipeline switch arrives as a pipeline and a dealstage change", async () => {
    const deal = await portal.createDeal({ properties: { dealname: "Switch", dealstage: "qualifiedtobuy" } });
    await drain();
    await portal.moveStage(deal.id, "1003", { pipelineId: "75e28846" });
    const events = await drain();
    expect(events.map((e) => [e.propertyName, e.propertyValue])).toEqual([["pipeline", "75e28846"], ["dealstage", "1003"]]);
  });

  it("imports (no sourceId), workflows (workflow id), deletion, restore, merge and association changes", async () => {
    const a = await portal.createDeal({ properties: { dealname: "A", dealstage: "appointmentscheduled" } });
    const b = await portal.createDeal({ properties: { dealname: "B", dealstage: "appointmentscheduled", amount: 5 } });
    await drain();
    await portal.importRows([{ id: a.id, properties: { amount: 99 } }]);
    await portal.updateDeal(a.id, { hs_priority: "high" }, { kind: "workflow", workflowId: "4242" });
    await portal.deleteDeal(a.id);
    await portal.restoreDeal(a.id);
    await portal.merge(a.id, b.id);
    const { toId } = await portal.associate(a.id, "contacts");
    const events = await drain();
    const byType = (t: string) => events.filter((e) => e.subscriptionType === t);
    const imported = byType("deal.propertyChange").find((e) => e.propertyName === "amount");
    expect(imported).toMatchObject({ changeSource: "IMPORT", propertyValue: "99" });
    expect(imported).not.toHaveProperty("sourceId");
    expect(byType("deal.propertyChange").find((e) => e.propertyName === "hs_priority")).toMatchObject({ changeSource: "WORKFLOW", sourceId: "4242" });
    expect(byType("deal.deletion")[0]).toMatchObject({ objectId: Number(a.id), changeFlag: "DELETED" });
    expect(byType("deal.restore")[0]).toMatchObject({ objectId: Number(a.id) });
    expect(byType("deal.merge")[0]).toMatchObject({ primaryObjectId: Number(a.id), mergedObjectIds: [Number(b.id)], newObjectId: Number(a.id) });
    expect(byType("deal.associationChange")[0]).toMatchObject({ associationType: "DEAL_TO_CONTACT", fromObjectId: Number(a.id), toObjectId: Number(toId), associationRemoved: false });
  });

  it("batches stay under 100 events", async () => {
    await drain();
    const rows = Array.from({ length: 250 }, (_, i) => ({ properties: { dealname: `Bulk ${i}`, dealstage: "appointmentscheduled" } }));
    await portal.importRows(rows);
    const deliveries = await portal.takeDeliveries();
    for (const d of deliveries) await portal.reportDelivery(d.deliveryId, 200);
    expect(deliveries.length).toBeGreaterThan(1);
    expect(Math.max(...deliveries.map((d) => d.events.length))).toBeLessThan(100);
    expect(deliveries.reduce((n, d) => n + d.events.length, 0)).toBe(250 * 4);
    for (const d of deliveries) expect(JSON.parse(d.body)).toEqual(d.events);
  });

  it("uses the object.* spelling with objectTypeId 0-3 when asked", async () => {
    const p = await new SimClient(inject("simUrl")).createPortal({ webhook: { genericSubscriptions: true, subscribedProperties: ["dealstage"] } });
    await p.seed({});
    await p.createDeal({ properties: { dealname: "G", dealstage: "appointmentscheduled" } });
    const events = (await p.takeDeliveries()).flatMap((d) => d.events);
    expect(events.map((e) => [e.subscriptionType, e.objectTypeId, e.propertyName])).toEqual([["object.creation", "0-3", undefined], ["object.propertyChange", "0-3", "dealstage"]]);
  });
});
