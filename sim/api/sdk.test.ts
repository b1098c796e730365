// The official @hubspot/api-client 13.5.0 works against the simulator unchanged (basePath only), endpoint by endpoint.
import { Client } from "@hubspot/api-client";
import { FilterOperatorEnum } from "@hubspot/api-client/lib/codegen/crm/deals";
import { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/objects/tasks";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { SimClient, type SimOwner, type SimPortal } from "../client";

let portal: SimPortal;
let hubspot: Client;
let owner: SimOwner;
let dealId: string;

beforeAll(async () => {
  portal = await new SimClient(inject("simUrl")).createPortal({ limits: { enabled: false } });
  const seeded = await portal.seed({ deals: 0 });
  const first = seeded.owners[0];
  if (!first) throw new Error("no owner");
  owner = first;
  hubspot = new Client({ accessToken: portal.info.accessToken, basePath: portal.simUrl });
  const deal = await portal.createDeal({ properties: { dealname: "SDK Co", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id }, associations: { contacts: 2, line_items: 1 } });
  dealId = deal.id;
  await portal.moveStage(dealId, "qualifiedtobuy", { properties: { amount: 5000 } });
});

const taskInput = (subject: string) => ({
  properties: { hs_timestamp: String(Date.parse("2027-02-01T09:00:00Z")), hs_task_subject: subject, hs_task_body: "Fill in the amount", hs_task_status: "NOT_STARTED", hs_task_priority: "HIGH", hs_task_type: "TODO", hubspot_owner_id: owner.id },
  associations: [{ to: { id: dealId }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 216 }] }],
});

describe("deals via the SDK", () => {
  it("getById with properties and propertiesWithHistory", async () => {
    const deal = await hubspot.crm.deals.basicApi.getById(dealId, ["dealstage", "amount"], ["dealstage"]);
    expect(deal.properties.dealstage).toBe("qualifiedtobuy");
    expect(deal.properties.amount).toBe("5000");
    expect(deal.createdAt).toBeInstanceOf(Date);
    const history = deal.propertiesWithHistory?.dealstage ?? [];
    expect(history.map((h) => h.value)).toEqual(["qualifiedtobuy", "appointmentscheduled"]);
    expect(history[0]?.timestamp).toBeInstanceOf(Date);
    expect(history[0]?.sourceId).toBe(`userId:${owner.userId}`);
  });

  it("batchApi.read", async () => {
    const res = await hubspot.crm.deals.batchApi.read({ inputs: [{ id: dealId }], properties: ["dealstage"], propertiesWithHistory: ["amount"] });
    expect(res.results).toHaveLength(1);
    expect(res.results[0]?.propertiesWithHistory?.amount?.[0]?.value).toBe("5000");
  });

  it("basicApi.update records an INTEGRATION change with the app id", async () => {
    const updated = await hubspot.crm.deals.basicApi.update(dealId, { properties: { hs_next_step: "Call CFO" } });
    expect(updated.properties.hs_next_step).toBe("Call CFO");
    const deal = await portal.getDeal(dealId);
    expect(deal.history.hs_next_step?.at(-1)).toMatchObject({ sourceType: "INTEGRATION", sourceId: portal.info.appId });
  });

  it("basicApi.create and basicApi.archive", async () => {
    const created = await hubspot.crm.deals.basicApi.create({ properties: { dealname: "Made by SDK", dealstage: "qualifiedtobuy", pipeline: "default" }, associations: [] });
    expect(created.id).toMatch(/^\d+$/);
    await hubspot.crm.deals.basicApi.archive(created.id);
    await expect(hubspot.crm.deals.basicApi.getById(created.id)).rejects.toMatchObject({ code: 404 });
  });

  it("searchApi.doSearch", async () => {
    const res = await hubspot.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: "dealstage", operator: FilterOperatorEnum.Eq, value: "qualifiedtobuy" }, { propertyName: "hubspot_owner_id", operator: FilterOperatorEnum.Eq, value: owner.id }] }],
      sorts: ["hs_lastmodifieddate"],
      properties: ["dealname"],
      limit: 10,
      after: "0",
    });
    expect(res.total).toBe(1);
    expect(res.results[0]?.id).toBe(dealId);
  });

  it("surfaces a 400 VALIDATION_ERROR as an ApiException", async () => {
    await expect(hubspot.crm.deals.basicApi.update(dealId, { properties: { dealstage: "no-such-stage" } })).rejects.toMatchObject({ code: 400, body: { category: "VALIDATION_ERROR" } });
  });
});

describe("pipelines and owners via the SDK", () => {
  it("pipelinesApi.getAll('deals')", async () => {
    const res = await hubspot.crm.pipelines.pipelinesApi.getAll("deals");
    const stage = res.results[0]?.stages.find((s) => s.id === "closedwon");
    expect(stage?.metadata).toEqual({ probability: "1.0", isClosed: "true" });
  });

  it("ownersApi.getPage with query parameters: the SDK's trailing-slash path works unchanged", async () => {
    const page = await hubspot.crm.owners.ownersApi.getPage(undefined, undefined, 2);
    expect(page.results).toHaveLength(2);
    expect(page.paging?.next?.after).toBe("2");
    const byEmail = await hubspot.crm.owners.ownersApi.getPage(owner.email);
    expect(byEmail.results.map((o) => o.id)).toEqual([owner.id]);
    const calls = await portal.calls({ method: "GET", pathIncludes: "/crm/v3/owners/?" });
    expect(calls.map((c) => c.status)).toEqual([200, 200]);
  });

  it("properties.coreApi.getAll('deals') and getByName", async () => {
    const all = await hubspot.crm.properties.coreApi.getAll("deals");
    const approved = all.results.find((p) => p.name === "manager_approved");
    expect(approved).toMatchObject({ type: "bool", fieldType: "booleancheckbox", groupName: "dealinformation" });
    const stage = await hubspot.crm.properties.coreApi.getByName("deals", "dealstage");
    expect(stage.options.map((o) => o.value)).toContain("closedwon");
    expect(stage.modificationMetadata?.readOnlyValue).toBe(false);
  });

  it("ownersApi.getPage and getById(userId, 'userId')", async () => {
    const page = await hubspot.crm.owners.ownersApi.getPage();
    expect(page.results.length).toBe(6);
    const byUser = await hubspot.crm.owners.ownersApi.getById(owner.userId, "userId");
    expect(byUser.id).toBe(owner.id);
    expect(byUser.teams?.[0]?.primary).toBe(true);
  });
});

describe("tasks via the SDK", () => {
  it("basicApi.create associates the task to the deal (216/215)", async () => {
    const task = await hubspot.crm.objects.tasks.basicApi.create(taskInput("Add amount"));
    expect(task.properties.hs_task_subject).toBe("Add amount");
    expect(task.properties.hs_timestamp).toBe("2027-02-01T09:00:00.000Z");
    const assoc = await hubspot.crm.associations.v4.basicApi.getPage("deals", dealId, "tasks");
    expect(assoc.results.map((r) => String(r.toObjectId))).toContain(task.id);
    expect(assoc.results[0]?.associationTypes[0]?.typeId).toBe(215);
  });

  it("batchApi.create, basicApi.update (complete), basicApi.getById, searchApi.doSearch", async () => {
    const batch = await hubspot.crm.objects.tasks.batchApi.create({ inputs: [taskInput("One"), taskInput("Two")] });
    expect(batch.results).toHaveLength(2);
    const id = batch.results[0]?.id ?? "";
    await hubspot.crm.objects.tasks.basicApi.update(id, { properties: { hs_task_status: "COMPLETED" } });
    const read = await hubspot.crm.objects.tasks.basicApi.getById(id, ["hs_task_status", "hs_task_completion_date"]);
    expect(read.properties.hs_task_status).toBe("COMPLETED");
    expect(read.properties.hs_task_completion_date).not.toBeNull();
    const open = await hubspot.crm.objects.tasks.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: "hs_task_status", operator: FilterOperatorEnum.Neq, value: "COMPLETED" }] }], properties: ["hs_task_subject"], limit: 100 });
    expect(open.results.map((t) => t.properties.hs_task_subject).sort()).toEqual(["Add amount", "Two"]);
  });

  it("refuses a task without hs_timestamp or with an unknown deal", async () => {
    const noDue = taskInput("x");
    await expect(hubspot.crm.objects.tasks.basicApi.create({ ...noDue, properties: { hs_task_subject: "x" } })).rejects.toMatchObject({ code: 400 });
    const bad = taskInput("x");
    await expect(hubspot.crm.objects.tasks.basicApi.create({ ...bad, associations: [{ to: { id: "1" }, types: bad.associations[0]?.types ?? [] }] })).rejects.toMatchObject({ code: 400 });
  });
});

describe("associations v4 via the SDK", () => {
  it("basicApi.getPage for contacts, companies, line_items", async () => {
    expect((await hubspot.crm.associations.v4.basicApi.getPage("deals", dealId, "contacts")).results).toHaveLength(2);
    expect((await hubspot.crm.associations.v4.basicApi.getPage("deals", dealId, "companies")).results).toHaveLength(0);
    const items = await hubspot.crm.associations.v4.basicApi.getPage("deals", dealId, "line_items");
    expect(items.results[0]?.associationTypes[0]?.typeId).toBe(19);
  });
});
