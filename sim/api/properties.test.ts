// GET /crm/v3/properties/{objectType}[/{name}] in HubSpot's shape: every property the portal validates writes against.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { SimClient, type SimPortal } from "../client";
import { crm } from "../testing/crm";

interface Property {
  name: string; label: string; type: string; fieldType: string; groupName: string; description: string; hidden: boolean; calculated: boolean;
  hasUniqueValue: boolean; formField: boolean; hubspotDefined?: boolean; externalOptions: boolean; referencedObjectType?: string;
  options: Array<{ label: string; value: string; displayOrder: number; hidden: boolean; description?: string }>;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
}

let portal: SimPortal;

beforeAll(async () => {
  portal = await new SimClient(inject("simUrl")).createPortal();
  await portal.seed({ deals: 0 });
});

const byName = (results: Property[]) => new Map(results.map((p) => [p.name, p]));

describe("deal properties", () => {
  it("lists default and custom deal properties with HubSpot's fields", async () => {
    const res = await crm<{ results: Property[] }>(portal, "GET", "/crm/v3/properties/deals");
    expect(res.status).toBe(200);
    const props = byName(res.body.results);
    for (const name of ["dealname", "amount", "closedate", "dealstage", "pipeline", "hubspot_owner_id", "hs_next_step", "decision_maker", "manager_approved", "budget_confirmed"]) {
      expect(props.has(name), name).toBe(true);
    }
    for (const p of res.body.results) {
      expect(["string", "number", "date", "datetime", "enumeration", "bool"]).toContain(p.type);
      expect(p).toMatchObject({ groupName: "dealinformation", hidden: false, hasUniqueValue: false, description: expect.any(String), fieldType: expect.any(String), options: expect.any(Array) });
      expect(typeof p.calculated).toBe("boolean");
      expect(typeof p.formField).toBe("boolean");
    }
    expect(props.get("amount")).toMatchObject({ label: "Amount", type: "number", fieldType: "number", calculated: false, formField: true, hubspotDefined: true, modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: false } });
    expect(props.get("closedate")).toMatchObject({ type: "datetime", fieldType: "date" });
    expect(props.get("hs_is_closed")).toMatchObject({ type: "bool", calculated: true, modificationMetadata: { readOnlyValue: true } });
    expect(props.get("manager_approved")).toMatchObject({ type: "bool", fieldType: "booleancheckbox", modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false } });
    expect(props.get("manager_approved")?.hubspotDefined).toBeUndefined();
    expect(props.get("manager_approved")?.options.map((o) => o.value)).toEqual(["true", "false"]);
    expect(props.get("hubspot_owner_id")).toMatchObject({ type: "enumeration", externalOptions: true, referencedObjectType: "OWNER", options: [] });
  });

  it("lists every pipeline's stages as dealstage options and the pipelines as pipeline options", async () => {
    const res = await crm<{ results: Property[] }>(portal, "GET", "/crm/v3/properties/deals");
    const props = byName(res.body.results);
    const stages = props.get("dealstage")?.options ?? [];
    expect(stages.map((o) => o.value)).toEqual(expect.arrayContaining(["appointmentscheduled", "closedwon", "1001"]));
    expect(stages.find((o) => o.value === "contractsent")).toMatchObject({ label: "Contract Sent", displayOrder: 4, hidden: false });
    expect(props.get("pipeline")?.options.map((o) => o.value)).toEqual(["default", "75e28846"]);
    expect(props.get("dealtype")?.options.map((o) => o.value)).toEqual(["newbusiness", "existingbusiness"]);
  });

  it("lists exactly the properties writes are validated against", async () => {
    const res = await crm<{ results: Property[] }>(portal, "GET", "/crm/v3/properties/0-3");
    const writable = res.body.results.filter((p) => !p.modificationMetadata.readOnlyValue).map((p) => p.name);
    const deal = await portal.createDeal({ properties: { dealname: "Props", dealstage: "appointmentscheduled" } });
    const ok = await crm(portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { manager_approved: "true", budget_confirmed: "false", decision_maker: "Dana" } });
    expect(ok.status).toBe(200);
    expect(writable).toEqual(expect.arrayContaining(["manager_approved", "budget_confirmed", "decision_maker"]));
    expect(res.body.results.map((p) => p.name)).not.toContain("no_such_prop");
    const readOnly = res.body.results.find((p) => p.modificationMetadata.readOnlyValue && p.name === "hs_is_closed");
    expect((await crm(portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { [readOnly?.name ?? "x"]: "true" } })).status).toBe(400);
  });

  it("reads one property by name; 404 OBJECT_NOT_FOUND for an unknown one, 400 for an unknown object type", async () => {
    const one = await crm<Property>(portal, "GET", "/crm/v3/properties/deals/hs_priority");
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ name: "hs_priority", type: "enumeration", fieldType: "select", options: [{ value: "low", displayOrder: 0 }, { value: "medium" }, { value: "high" }] });
    const missing = await crm<{ category: string; status: string }>(portal, "GET", "/crm/v3/properties/deals/no_such_prop");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: "error", category: "OBJECT_NOT_FOUND" });
    expect((await crm(portal, "GET", "/crm/v3/properties/widgets")).status).toBe(400);
    expect((await crm<{ results: unknown[] }>(portal, "GET", "/crm/v3/properties/deals?archived=true")).body.results).toEqual([]);
    expect((await crm(portal, "GET", "/crm/v3/properties/deals", undefined, "wrong-token")).status).toBe(401);
  });
});

describe("custom properties and groups (POST)", () => {
  const group = { name: "deal_governance", label: "Deal governance", displayOrder: -1 };
  const status = {
    name: "governance_status", label: "Governance status", type: "enumeration", fieldType: "select", groupName: "deal_governance",
    options: [{ label: "Compliant", value: "compliant", displayOrder: 0, hidden: false }, { label: "Open violation", value: "open_violation", displayOrder: 1, hidden: false }],
  };

  it("creates a group and an enumeration property once; a second create is 409 CONFLICT", async () => {
    const p = await new SimClient(inject("simUrl")).createPortal();
    expect((await crm(p, "POST", "/crm/v3/properties/deals", status)).status).toBe(400); // the group doesn't exist yet
    expect((await crm(p, "POST", "/crm/v3/properties/deals/groups", group)).status).toBe(201);
    expect((await crm<{ category: string }>(p, "POST", "/crm/v3/properties/deals/groups", group)).body.category).toBe("CONFLICT");
    const created = await crm<Property>(p, "POST", "/crm/v3/properties/deals", status);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "governance_status", groupName: "deal_governance", type: "enumeration", fieldType: "select", modificationMetadata: { archivable: true, readOnlyValue: false } });
    expect(created.body.hubspotDefined).toBeUndefined();
    const again = await crm<{ category: string }>(p, "POST", "/crm/v3/properties/deals", status);
    expect(again.status).toBe(409);
    expect(again.body.category).toBe("CONFLICT");
    const groups = await crm<{ results: Array<{ name: string }> }>(p, "GET", "/crm/v3/properties/deals/groups");
    expect(groups.body.results.map((g) => g.name)).toEqual(["dealinformation", "deal_governance"]);
    const one = await crm<Property>(p, "GET", "/crm/v3/properties/deals/governance_status");
    expect(one.body.options.map((o) => `${o.value}:${o.label}`)).toEqual(["compliant:Compliant", "open_violation:Open violation"]);
    await p.destroy();
  });

  it("validates type/fieldType and options, and writes to the new property are checked against them", async () => {
    const p = await new SimClient(inject("simUrl")).createPortal();
    await crm(p, "POST", "/crm/v3/properties/deals/groups", group);
    expect((await crm(p, "POST", "/crm/v3/properties/deals", { ...status, fieldType: "number" })).status).toBe(400);
    expect((await crm(p, "POST", "/crm/v3/properties/deals", { ...status, options: [] })).status).toBe(400);
    expect((await crm(p, "POST", "/crm/v3/properties/deals", { name: "governance_last_checked_at", label: "Checked", type: "datetime", fieldType: "date", groupName: "deal_governance" })).status).toBe(201);
    await crm(p, "POST", "/crm/v3/properties/deals", status);
    const deal = await p.createDeal({ properties: { dealname: "Custom", dealstage: "appointmentscheduled" } });
    expect((await crm(p, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { governance_status: "nope" } })).status).toBe(400);
    expect((await crm(p, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { governance_status: "open_violation", governance_last_checked_at: "1764590400000" } })).status).toBe(200);
    expect((await p.getDeal(deal.id)).properties).toMatchObject({ governance_status: "open_violation", governance_last_checked_at: "2025-12-01T12:00:00.000Z" });
    await p.destroy();
  });

  it("answers 403 MISSING_SCOPES when the token lacks crm.schemas.deals.write", async () => {
    const p = await new SimClient(inject("simUrl")).createPortal({ missingScopes: ["crm.schemas.deals.write"] });
    const res = await crm<{ category: string; message: string }>(p, "POST", "/crm/v3/properties/deals/groups", group);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ status: "error", category: "MISSING_SCOPES" });
    expect((await crm(p, "GET", "/crm/v3/properties/deals")).status).toBe(200);
    await p.destroy();
  });
});
