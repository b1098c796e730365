// The control API: isolated portals, seeding, reset, knob validation, and the typed client's errors.
import { describe, expect, inject, it } from "vitest";
import { SimClient, SimError } from "../client";
import { crm } from "../testing/crm";

const sim = () => new SimClient(inject("simUrl"));

describe("portals", () => {
  it("creates isolated portals with their own credentials; CRM requests pick the portal by token", async () => {
    const a = await sim().createPortal();
    const b = await sim().createPortal();
    expect(a.info.portalId).not.toBe(b.info.portalId);
    expect(a.info.accessToken).not.toBe(b.info.accessToken);
    expect(a.info.clientSecret).not.toBe(b.info.clientSecret);
    await a.seed({});
    const deal = await a.createDeal({ properties: { dealname: "Only in A", dealstage: "appointmentscheduled" } });
    expect((await crm(a, "GET", `/crm/v3/objects/deals/${deal.id}`)).status).toBe(200);
    expect((await crm(b, "GET", `/crm/v3/objects/deals/${deal.id}`)).status).toBe(404);
    expect(a.engineEnv()).toEqual({ HUBSPOT_BASE_URL: inject("simUrl"), HUBSPOT_ACCESS_TOKEN: a.info.accessToken, HUBSPOT_CLIENT_SECRET: a.info.clientSecret, HUBSPOT_APP_ID: a.info.appId, HUBSPOT_PORTAL_ID: String(a.info.portalId) });
  });

  it("accepts explicit credentials once and refuses a duplicate token", async () => {
    const token = `fixed-${Date.now()}`;
    const p = await sim().createPortal({ accessToken: token, clientSecret: "secret-x", appId: 123 });
    expect(p.info).toMatchObject({ accessToken: token, clientSecret: "secret-x", appId: "123" });
    await expect(sim().createPortal({ accessToken: token })).rejects.toMatchObject({ status: 409, code: "PORTAL_CONFLICT" });
  });

  it("seeds owners, teams with managers, pipelines and deals with backdated history and associations", async () => {
    const p = await sim().createPortal();
    const summary = await p.seed({ teams: 2, ownersPerTeam: 3, deals: 25 });
    expect(summary.owners).toHaveLength(6);
    const { teams, managerMap } = await p.teams();
    expect(teams.map((t) => t.memberOwnerIds.length)).toEqual([3, 3]);
    expect(Object.keys(managerMap)).toHaveLength(4);
    const deals = await p.listDeals();
    expect(deals).toHaveLength(25);
    const walked = deals.filter((d) => (d.history.dealstage ?? []).length > 1);
    expect(walked.length).toBeGreaterThan(0);
    for (const d of walked) {
      const times = (d.history.dealstage ?? []).map((h) => Date.parse(h.timestamp));
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(times[0]).toBeLessThan(Date.now() - 86_400_000);
    }
    expect(deals.some((d) => d.associations.contacts.length > 0)).toBe(true);
    expect(await p.takeDeliveries()).toEqual([]); // seeding is the portal's past: no webhooks
  });

  it("reset empties the portal but keeps its credentials", async () => {
    const p = await sim().createPortal();
    await p.seed({ deals: 3 });
    const info = await p.reset();
    expect(info.accessToken).toBe(p.info.accessToken);
    expect(await p.listDeals()).toEqual([]);
    expect((await crm(p, "GET", "/crm/v3/owners")).status).toBe(200);
  });

  it("answers bad control input with { error: { code, message } }", async () => {
    const p = await sim().createPortal();
    await expect(p.setKnobs({ limits: { tenSecondlyMax: -1 } })).rejects.toBeInstanceOf(SimError);
    const res = await fetch(`${inject("simUrl")}/_sim/portals/${p.info.portalId}/knobs`, { method: "PATCH", body: "{nope" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "INVALID_JSON" } });
    const missing = await fetch(`${inject("simUrl")}/_sim/portals/1/deals`);
    expect(missing.status).toBe(404);
    await expect(p.moveStage("1", "closedwon")).rejects.toMatchObject({ status: 404 });
  });

  it("merges a partial knobs PATCH into the current config, keeping every field not sent", async () => {
    const p = await sim().createPortal({ webhook: { mode: "push", url: "http://127.0.0.1:9/hook", maxRetries: 2 }, limits: { searchPerSecond: 50 }, faults: { latencyMs: 3 } });
    const after = await p.setKnobs({ webhook: { flushMs: 7 } });
    expect(after.webhook).toMatchObject({ mode: "push", url: "http://127.0.0.1:9/hook", maxRetries: 2, flushMs: 7 });
    await p.setKnobs({ limits: { tenSecondlyMax: 40 }, faults: { hangMs: 900 } });
    const knobs = await p.setKnobs({ faults: { script: [{ status: 503, pathIncludes: "/deals" }] } });
    expect(knobs.webhook).toMatchObject({ mode: "push", flushMs: 7, maxRetries: 2 });
    expect(knobs.limits).toMatchObject({ searchPerSecond: 50, tenSecondlyMax: 40 });
    expect(knobs.faults).toMatchObject({ latencyMs: 3, hangMs: 900, script: [{ status: 503, count: 1, pathIncludes: "/deals" }] });
    await p.destroy();
  });

  it("lists tasks the engine created for a deal", async () => {
    const p = await sim().createPortal();
    await p.seed({});
    const deal = await p.createDeal({ properties: { dealname: "T", dealstage: "appointmentscheduled" } });
    await crm(p, "POST", "/crm/v3/objects/tasks", { properties: { hs_timestamp: "2027-01-01T00:00:00Z", hs_task_subject: "Do it" }, associations: [{ to: { id: deal.id }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 216 }] }] });
    const tasks = await p.listTasks(deal.id);
    expect(tasks.map((t) => [t.properties.hs_task_subject, t.properties.hs_task_status, t.dealIds])).toEqual([["Do it", "NOT_STARTED", [deal.id]]]);
  });
});
