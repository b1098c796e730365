// HubSpot's batch input limits and 207 Multi-Status answers, over raw HTTP (sources in docs/simulator.md).
import { beforeAll, describe, expect, inject, it } from "vitest";
import { SimClient, type SimPortal } from "../client";
import { crm } from "../testing/crm";

interface Batch { status: string; results: Array<{ id: string; properties: Record<string, string | null> }>; errors?: Array<{ category: string; message: string; context?: { ids: string[] } }>; message?: string; category?: string }

let portal: SimPortal;
let ids: string[];

beforeAll(async () => {
  portal = await new SimClient(inject("simUrl")).createPortal();
  await portal.seed({ deals: 0 });
  ids = [];
  for (let i = 0; i < 3; i++) ids.push((await portal.createDeal({ properties: { dealname: `L${i}`, dealstage: "appointmentscheduled" } })).id);
});

const inputs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: ids[i % ids.length] ?? "1" }));

describe("batch input limits", () => {
  it("refuses a history read of 51 inputs with HubSpot's body, accepts 50 and 100 without history", async () => {
    const over = await crm<Batch>(portal, "POST", "/crm/v3/objects/deals/batch/read", { inputs: inputs(51), properties: ["dealstage"], propertiesWithHistory: ["dealstage"] });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR", message: "The maximum number of inputs supported in a batch request for property histories is 50. Please reduce the number of items and try again" });
    expect((await crm(portal, "POST", "/crm/v3/objects/deals/batch/read", { inputs: inputs(50), properties: ["dealstage"], propertiesWithHistory: ["dealstage"] })).status).toBe(200);
    expect((await crm(portal, "POST", "/crm/v3/objects/deals/batch/read", { inputs: inputs(100), properties: ["dealstage"] })).status).toBe(200);
    expect((await crm(portal, "POST", "/crm/v3/objects/deals/batch/read", { inputs: inputs(101), properties: ["dealstage"] })).status).toBe(400);
  });

  it("refuses a batch update of 101 inputs", async () => {
    const res = await crm<Batch>(portal, "POST", "/crm/v3/objects/deals/batch/update", { inputs: Array.from({ length: 101 }, () => ({ id: ids[0], properties: { dealname: "x" } })) });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe("VALIDATION_ERROR");
  });

  it("refuses a search page over 200 and paging past 10,000", async () => {
    expect((await crm(portal, "POST", "/crm/v3/objects/deals/search", { filterGroups: [], limit: 201 })).status).toBe(400);
    expect((await crm(portal, "POST", "/crm/v3/objects/deals/search", { filterGroups: [], limit: 200, after: "9900" })).status).toBe(400);
  });
});

describe("207 Multi-Status", () => {
  it("a batch update with a deleted deal applies the others and lists the missing id in errors", async () => {
    const gone = (await portal.createDeal({ properties: { dealname: "Gone", dealstage: "appointmentscheduled" } })).id;
    await portal.deleteDeal(gone);
    const res = await crm<Batch>(portal, "POST", "/crm/v3/objects/deals/batch/update", { inputs: [{ id: gone, properties: { dealname: "a" } }, { id: ids[0], properties: { dealname: "b" } }] });
    expect(res.status).toBe(207);
    expect(res.body.results.map((r) => r.id)).toEqual([ids[0]]);
    expect(res.body.errors).toEqual([expect.objectContaining({ category: "OBJECT_NOT_FOUND", context: { ids: [gone] } })]);
  });

  it("on request (a scripted 207), fails the chosen inputs of a batch create and creates the rest", async () => {
    await portal.setKnobs({ faults: { script: [{ status: 207, count: 1, pathIncludes: "/tasks/batch/create", failInputs: [1] }] } });
    const task = (subject: string) => ({ properties: { hs_timestamp: "2026-01-01T00:00:00Z", hs_task_subject: subject, hs_task_body: `body ${subject}` } });
    const res = await crm<Batch>(portal, "POST", "/crm/v3/objects/tasks/batch/create", { inputs: [task("A"), task("B"), task("C")] });
    expect(res.status).toBe(207);
    expect(res.body.results.map((r) => r.properties.hs_task_subject).sort()).toEqual(["A", "C"]);
    expect(res.body.results.map((r) => r.properties.hs_task_body).sort()).toEqual(["body A", "body C"]);
    expect(res.body.errors).toHaveLength(1);
  });
});

describe("account info", () => {
  it("serves the portal's time zone and its current UTC offset", async () => {
    const berlin = await new SimClient(inject("simUrl")).createPortal({ timeZone: "Europe/Berlin" });
    const res = await crm<{ portalId: number; timeZone: string; utcOffset: string; utcOffsetMilliseconds: number; companyCurrency: string }>(berlin, "GET", "/account-info/v3/details");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ portalId: berlin.info.portalId, timeZone: "Europe/Berlin", companyCurrency: "USD" });
    expect(["+01:00", "+02:00"]).toContain(res.body.utcOffset);
    expect(res.body.utcOffsetMilliseconds).toBe(Number(res.body.utcOffset.slice(1, 3)) * 3600_000);
    expect((await crm<{ timeZone: string }>(portal, "GET", "/account-info/v3/details")).body.timeZone).toBe("US/Eastern");
    expect((await crm(portal, "GET", "/account-info/v3/details", undefined, "wrong-token")).status).toBe(401);
  });
});
