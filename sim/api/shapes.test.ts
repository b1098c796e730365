// Fidelity of CRM response shapes and edge behaviour against REFERENCE.md §4–5, over raw HTTP.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { SimClient, type SimPortal } from "../client";
import { crm } from "../testing/crm";

interface Obj { id: string; properties: Record<string, string | null>; propertiesWithHistory?: Record<string, Array<{ value: string; timestamp: string; sourceType: string; sourceId?: string; updatedByUserId?: number }>>; createdAt: string; updatedAt: string; archived: boolean }
interface ErrorBody { status: string; message: string; correlationId: string; category: string }

let portal: SimPortal;
let dealId: string;
let ownerUserId: number;

beforeAll(async () => {
  portal = await new SimClient(inject("simUrl")).createPortal();
  const seeded = await portal.seed({ deals: 0 });
  const owner = seeded.owners[1];
  if (!owner) throw new Error("no owner");
  ownerUserId = owner.userId;
  const deal = await portal.createDeal({ properties: { dealname: "Shape Co", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id, amount: 1200 }, as: { kind: "user", userId: owner.userId } });
  dealId = deal.id;
  await portal.moveStage(dealId, "qualifiedtobuy", { as: { kind: "user", userId: owner.userId } });
  await portal.updateDeal(dealId, { dealstage: "presentationscheduled" }, { kind: "workflow", workflowId: "555" });
});

describe("deals: read shapes", () => {
  it("returns string properties, ISO dates, and the default read set", async () => {
    const res = await crm<Obj>(portal, "GET", `/crm/v3/objects/deals/${dealId}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(dealId);
    expect(Object.keys(res.body.properties).sort()).toEqual(["amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate", "hs_object_id", "pipeline"]);
    expect(res.body.properties.amount).toBe("1200");
    expect(res.body.properties.closedate).toBeNull();
    expect(res.body.properties.hs_object_id).toBe(dealId);
    expect(res.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(res.body.archived).toBe(false);
    for (const v of Object.values(res.body.properties)) expect(v === null || typeof v === "string").toBe(true);
  });

  it("returns requested properties plus the always-present ones, and history entries with who changed what", async () => {
    const res = await crm<Obj>(portal, "GET", `/crm/v3/objects/deals/${dealId}?properties=dealstage,hs_next_step&propertiesWithHistory=dealstage`);
    expect(res.body.properties).toMatchObject({ dealstage: "presentationscheduled", hs_next_step: null, hs_object_id: dealId });
    const history = res.body.propertiesWithHistory?.dealstage ?? [];
    expect(history.map((h) => h.value)).toEqual(["presentationscheduled", "qualifiedtobuy", "appointmentscheduled"]);
    expect(history[0]).toMatchObject({ sourceType: "WORKFLOW", sourceId: "555" });
    expect(history[1]).toEqual({ value: "qualifiedtobuy", timestamp: expect.stringMatching(/Z$/), sourceType: "CRM_UI", sourceId: `userId:${ownerUserId}`, updatedByUserId: ownerUserId });
    const times = history.map((h) => Date.parse(h.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("returns history newest first (HubSpot's observed order), in GET and batch read, with the current value on top", async () => {
    const deal = await portal.createDeal({ properties: { dealname: "Order", dealstage: "appointmentscheduled", amount: 1 } });
    const writes = [{ amount: "2" }, { dealstage: "qualifiedtobuy", amount: "3" }, { dealstage: "presentationscheduled" }, { amount: "4" }];
    for (const properties of writes) expect((await crm(portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties })).status).toBe(200);
    const one = await crm<Obj>(portal, "GET", `/crm/v3/objects/deals/${deal.id}?properties=amount,dealstage&propertiesWithHistory=amount,dealstage`);
    const batch = await crm<{ results: Obj[] }>(portal, "POST", "/crm/v3/objects/deals/batch/read", { inputs: [{ id: deal.id }], properties: ["amount"], propertiesWithHistory: ["amount", "dealstage"] });
    for (const read of [one.body, batch.body.results[0]]) {
      expect(read?.propertiesWithHistory?.amount?.map((h) => h.value)).toEqual(["4", "3", "2", "1"]);
      expect(read?.propertiesWithHistory?.dealstage?.map((h) => h.value)).toEqual(["presentationscheduled", "qualifiedtobuy", "appointmentscheduled"]);
      const times = (read?.propertiesWithHistory?.amount ?? []).map((h) => Date.parse(h.timestamp));
      expect(times[0]).toBeGreaterThan(times[times.length - 1] ?? Infinity);
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    }
    expect(one.body.properties.amount).toBe(one.body.propertiesWithHistory?.amount?.[0]?.value);
  });

  it("batch-reads with history and reports missing ids as 207 errors", async () => {
    const ok = await crm<{ status: string; results: Obj[] }>(portal, "POST", "/crm/v3/objects/deals/batch/read", { inputs: [{ id: dealId }], properties: ["dealstage"], propertiesWithHistory: ["dealstage"] });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe("COMPLETE");
    expect(ok.body.results[0]?.propertiesWithHistory?.dealstage).toHaveLength(3);
    const partial = await crm<{ results: Obj[]; errors: Array<{ category: string; context: { ids: string[] } }> }>(portal, "POST", "/crm/v3/objects/deals/batch/read", { inputs: [{ id: dealId }, { id: "1" }], properties: [] });
    expect(partial.status).toBe(207);
    expect(partial.body.errors[0]).toMatchObject({ category: "OBJECT_NOT_FOUND", context: { ids: ["1"] } });
  });
});

describe("edges", () => {
  it("answers 401 with HubSpot's body for a missing or wrong token", async () => {
    const res = await crm<ErrorBody>(portal, "GET", `/crm/v3/objects/deals/${dealId}`, undefined, "not-a-token");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: "error", category: "INVALID_AUTHENTICATION", message: expect.stringContaining("Authentication credentials not found") });
    expect(typeof res.body.correlationId).toBe("string");
  });

  it("answers 404 OBJECT_NOT_FOUND for an unknown deal and a PATCH to it", async () => {
    const get = await crm<ErrorBody>(portal, "GET", "/crm/v3/objects/deals/999");
    expect(get.status).toBe(404);
    expect(get.body.category).toBe("OBJECT_NOT_FOUND");
    const patch = await crm<ErrorBody>(portal, "PATCH", "/crm/v3/objects/deals/999", { properties: { dealname: "x" } });
    expect(patch.status).toBe(404);
  });

  it("answers 400 VALIDATION_ERROR for unknown properties, stages and pipelines, and writes nothing", async () => {
    for (const properties of [{ no_such_prop: "1" }, { dealstage: "nope" }, { pipeline: "nope", dealstage: "appointmentscheduled" }, { dealstage: "1002" }]) {
      const res = await crm<ErrorBody>(portal, "PATCH", `/crm/v3/objects/deals/${dealId}`, { properties });
      expect(res.status, JSON.stringify(properties)).toBe(400);
      expect(res.body.category).toBe("VALIDATION_ERROR");
    }
    expect((await portal.getDeal(dealId)).properties.dealstage).toBe("presentationscheduled");
  });

  it("tolerates a trailing slash on every CRM route, as HubSpot does", async () => {
    const owner = (await portal.owners())[0];
    const gets = ["/crm/v3/owners/", "/crm/v3/owners/?limit=1", `/crm/v3/owners/${owner?.userId ?? 0}/?idProperty=userId`, "/crm/v3/pipelines/deals/", "/crm/v3/pipelines/deals/default/",
      `/crm/v3/objects/deals/${dealId}/`, "/crm/v3/properties/deals/", "/crm/v3/properties/deals/amount/", `/crm/v4/objects/deals/${dealId}/associations/contacts/`];
    for (const path of gets) expect((await crm(portal, "GET", path)).status, path).toBe(200);
    const read = await crm<{ results: Obj[] }>(portal, "POST", "/crm/v3/objects/deals/batch/read/", { inputs: [{ id: dealId }], properties: ["dealstage"] });
    expect(read.status).toBe(200);
    expect(read.body.results[0]?.id).toBe(dealId);
    const search = await crm<{ total: number }>(portal, "POST", "/crm/v3/objects/deals/search/", { filterGroups: [] });
    expect(search.status).toBe(200);
    expect((await crm(portal, "GET", "/crm/v3/owners/", undefined, "wrong")).status).toBe(401);
  });

  it("moves across pipelines only when pipeline is given too", async () => {
    const deal = await portal.createDeal({ properties: { dealname: "Switch", dealstage: "appointmentscheduled" } });
    const res = await crm<Obj>(portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { pipeline: "75e28846", dealstage: "1002" } });
    expect(res.status).toBe(200);
    expect(res.body.properties).toMatchObject({ pipeline: "75e28846", dealstage: "1002" });
  });

  it("refuses an API write into a stage whose conditional required properties are empty", async () => {
    const p = await new SimClient(inject("simUrl")).createPortal({ requiredProperties: [{ stageId: "contractsent", properties: ["amount", "closedate"] }] });
    const deal = await p.createDeal({ properties: { dealname: "Req", dealstage: "decisionmakerboughtin", amount: 10 } });
    const refused = await crm<ErrorBody>(p, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { dealstage: "contractsent" } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("closedate");
    const accepted = await crm<Obj>(p, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { dealstage: "contractsent", closedate: "2027-01-01" } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.properties.closedate).toBe("2027-01-01T00:00:00.000Z");
  });
});

describe("search", () => {
  it("filters on dealstage, owner, pipeline, dates; sorts; pages with after", async () => {
    // Six searches in a row would trip the ~5/s search limit (tested in sim/limits).
    const p = await new SimClient(inject("simUrl")).createPortal({ limits: { enabled: false } });
    const { owners } = await p.seed({ deals: 0 });
    const [a, b] = owners;
    if (!a || !b) throw new Error("owners");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = await p.createDeal({ properties: { dealname: `S${i}`, dealstage: i < 3 ? "qualifiedtobuy" : "closedwon", hubspot_owner_id: i % 2 === 0 ? a.id : b.id, closedate: `2027-0${i + 1}-01`, amount: 100 * (i + 1) } });
      ids.push(d.id);
    }
    const search = (body: unknown) => crm<{ total: number; results: Obj[]; paging?: { next: { after: string } } }>(p, "POST", "/crm/v3/objects/deals/search", body);
    const byStage = await search({ filterGroups: [{ filters: [{ propertyName: "dealstage", operator: "EQ", value: "qualifiedtobuy" }, { propertyName: "hubspot_owner_id", operator: "EQ", value: a.id }] }] });
    expect(byStage.body.results.map((r) => r.id)).toEqual([ids[0], ids[2]]);
    const ored = await search({ filterGroups: [{ filters: [{ propertyName: "dealstage", operator: "EQ", value: "closedwon" }] }, { filters: [{ propertyName: "amount", operator: "LTE", value: "100" }] }] });
    expect(ored.body.total).toBe(3);
    const dates = await search({ filterGroups: [{ filters: [{ propertyName: "closedate", operator: "GTE", value: String(Date.parse("2027-03-01")) }, { propertyName: "pipeline", operator: "IN", values: ["default"] }] }], sorts: [{ propertyName: "closedate", direction: "DESCENDING" }], properties: ["closedate"] });
    expect(dates.body.results.map((r) => r.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(dates.body.results[0]?.properties).toMatchObject({ closedate: "2027-05-01T00:00:00.000Z", hs_object_id: ids[4] });
    const modified = await search({ filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GT", value: "0" }, { propertyName: "hs_next_step", operator: "NOT_HAS_PROPERTY" }] }], limit: 2 });
    expect(modified.body.total).toBe(5);
    expect(modified.body.results).toHaveLength(2);
    expect(modified.body.paging?.next.after).toBe("2");
    const page2 = await search({ filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GT", value: "0" }] }], limit: 2, after: "2" });
    expect(page2.body.results.map((r) => r.id)).toEqual([ids[2], ids[3]]);
    const bad = await search({ filterGroups: [{ filters: [{ propertyName: "nope", operator: "EQ", value: "x" }] }] });
    expect(bad.status).toBe(400);
    const tooMany = await search({ filterGroups: [{ filters: Array.from({ length: 7 }, () => ({ propertyName: "dealstage", operator: "HAS_PROPERTY" })) }] });
    expect(tooMany.status).toBe(400);
    expect((await search({ filterGroups: [], limit: 100, after: "9950" })).status).toBe(400);
  });
});

describe("pipelines, owners, associations", () => {
  it("lists HubSpot's default pipeline with string metadata, plus a numeric-id pipeline", async () => {
    const res = await crm<{ results: Array<{ id: string; displayOrder: number; stages: Array<{ id: string; label: string; displayOrder: number; metadata: { probability: string; isClosed: string } }> }> }>(portal, "GET", "/crm/v3/pipelines/deals");
    const sales = res.body.results.find((p) => p.id === "default");
    expect(sales?.stages.map((s) => s.id)).toEqual(["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"]);
    expect(sales?.stages[0]).toMatchObject({ label: "Appointment Scheduled", displayOrder: 0, metadata: { probability: "0.2", isClosed: "false" } });
    expect(sales?.stages[5]?.metadata).toEqual({ probability: "1.0", isClosed: "true" });
    expect(sales?.stages[6]?.metadata).toEqual({ probability: "0.0", isClosed: "true" });
    expect(res.body.results.find((p) => p.id !== "default")?.stages[0]?.id).toMatch(/^\d+$/);
  });

  it("finds owners by id and by userId, with teams", async () => {
    const owners = await portal.owners();
    const o = owners[1];
    if (!o) throw new Error("owner");
    const byUser = await crm<{ id: string; userId: number; teams: Array<{ id: string; name: string; primary: boolean }> }>(portal, "GET", `/crm/v3/owners/${o.userId}?idProperty=userId`);
    expect(byUser.status).toBe(200);
    expect(byUser.body).toMatchObject({ id: o.id, userId: o.userId, email: o.email });
    expect(byUser.body.teams[0]).toMatchObject({ primary: true, name: expect.stringContaining("Sales Team") });
    expect((await crm(portal, "GET", `/crm/v3/owners/${o.userId}`)).status).toBe(404);
    const list = await crm<{ results: unknown[] }>(portal, "GET", "/crm/v3/owners?limit=2");
    expect(list.body.results).toHaveLength(2);
  });

  it("lists v4 associations with HubSpot's type ids", async () => {
    const deal = await portal.createDeal({ properties: { dealname: "Assoc", dealstage: "appointmentscheduled" }, associations: { contacts: 2, companies: 1 } });
    const contacts = await crm<{ results: Array<{ toObjectId: number; associationTypes: Array<{ category: string; typeId: number }> }> }>(portal, "GET", `/crm/v4/objects/deals/${deal.id}/associations/contacts`);
    expect(contacts.body.results).toHaveLength(2);
    expect(typeof contacts.body.results[0]?.toObjectId).toBe("number");
    expect(contacts.body.results[0]?.associationTypes[0]).toEqual({ category: "HUBSPOT_DEFINED", typeId: 3, label: null });
    const lineItems = await crm<{ results: unknown[] }>(portal, "GET", `/crm/v4/objects/deals/${deal.id}/associations/line_items`);
    expect(lineItems.body.results).toEqual([]);
  });
});
