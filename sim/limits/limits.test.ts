// Rate limits (429 body, policy names, headers) and fault injection, as a private app meets them.
import { describe, expect, inject, it } from "vitest";
import { SimClient } from "../client";
import { startSimulator } from "../server";
import { crm } from "../testing/crm";

const sim = () => new SimClient(inject("simUrl"));

describe("rate limits", () => {
  it("answers the ten-secondly limit with HubSpot's 429 body and headers, and doesn't count control calls", async () => {
    const portal = await sim().createPortal({ limits: { tenSecondlyMax: 3, intervalMs: 60_000 } });
    await portal.seed({ deals: 1 });
    const first = await crm(portal, "GET", "/crm/v3/pipelines/deals");
    expect(first.headers.get("x-hubspot-ratelimit-max")).toBe("3");
    expect(first.headers.get("x-hubspot-ratelimit-remaining")).toBe("2");
    expect(first.headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("60000");
    expect(first.headers.get("x-hubspot-ratelimit-daily")).toBe("1000000");
    expect(first.headers.get("x-hubspot-ratelimit-daily-remaining")).toBe("999999");
    await crm(portal, "GET", "/crm/v3/pipelines/deals");
    await crm(portal, "GET", "/crm/v3/pipelines/deals");
    const limited = await crm<Record<string, unknown>>(portal, "GET", "/crm/v3/pipelines/deals");
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ status: "error", message: expect.any(String), errorType: "RATE_LIMIT", correlationId: expect.any(String), policyName: "TEN_SECONDLY_ROLLING", requestId: expect.any(String) });
    expect(limited.headers.get("x-hubspot-ratelimit-remaining")).toBe("0");
    await portal.resetLimits();
    expect((await crm(portal, "GET", "/crm/v3/pipelines/deals")).status).toBe(200);
  });

  it("answers the daily cap with policyName DAILY", async () => {
    const portal = await sim().createPortal({ limits: { dailyMax: 1 } });
    expect((await crm(portal, "GET", "/crm/v3/owners")).status).toBe(200);
    const limited = await crm<{ policyName: string }>(portal, "GET", "/crm/v3/owners");
    expect(limited.status).toBe(429);
    expect(limited.body.policyName).toBe("DAILY");
    expect(limited.headers.get("x-hubspot-ratelimit-daily-remaining")).toBe("0");
  });

  it("limits search separately, per second (frozen clock, so load can't spread the calls)", async () => {
    let clock = Date.parse("2026-11-02T10:00:00Z");
    const own = await startSimulator({ now: () => clock });
    try {
      const portal = await new SimClient(own.url).createPortal({ limits: { searchPerSecond: 2 } });
      const search = () => crm<{ policyName?: string }>(portal, "POST", "/crm/v3/objects/deals/search", { filterGroups: [] });
      expect((await search()).status).toBe(200);
      expect((await search()).status).toBe(200);
      const third = await search();
      expect(third.status).toBe(429);
      expect(third.body.policyName).toBe("SECONDLY");
      expect((await crm(portal, "GET", "/crm/v3/owners")).status).toBe(200);
      clock += 1001;
      expect((await search()).status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it("keeps portals' budgets apart", async () => {
    const a = await sim().createPortal({ limits: { tenSecondlyMax: 1 } });
    const b = await sim().createPortal({ limits: { tenSecondlyMax: 1 } });
    expect((await crm(a, "GET", "/crm/v3/owners")).status).toBe(200);
    expect((await crm(b, "GET", "/crm/v3/owners")).status).toBe(200);
    expect((await crm(a, "GET", "/crm/v3/owners")).status).toBe(429);
  });
});

describe("faults", () => {
  it("plays scripted faults in order, matching method and path, then answers normally", async () => {
    const portal = await sim().createPortal({ faults: { script: [{ status: 503, count: 2, method: "PATCH" }, { status: 502, pathIncludes: "/owners" }] } });
    await portal.seed({});
    const deal = await portal.createDeal({ properties: { dealname: "F", dealstage: "appointmentscheduled" } });
    const patch = () => crm<{ status: string; category: string }>(portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { amount: 1 } });
    const a = await patch();
    expect(a.status).toBe(503);
    expect(a.body).toMatchObject({ status: "error", category: "INTERNAL_ERROR" });
    expect((await patch()).status).toBe(503);
    expect((await crm(portal, "GET", "/crm/v3/owners")).status).toBe(502);
    expect((await patch()).status).toBe(200);
    const calls = await portal.calls({ method: "PATCH" });
    expect(calls.map((c) => c.status)).toEqual([503, 503, 200]);
  });

  it("afterApply: the write commits (tasks exist, webhooks go out) but the client gets the 500", async () => {
    const portal = await sim().createPortal();
    await portal.seed({ deals: 0 });
    const deal = await portal.createDeal({ properties: { dealname: "Half", dealstage: "appointmentscheduled" } });
    await portal.setKnobs({ faults: { script: [{ status: 500, count: 1, method: "POST", pathIncludes: "/tasks/batch/create", afterApply: true }] } });
    const task = (subject: string) => ({ properties: { hs_timestamp: "2027-01-01T00:00:00Z", hs_task_subject: subject }, associations: [{ to: { id: deal.id }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 216 }] }] });
    const failed = await crm<{ category: string }>(portal, "POST", "/crm/v3/objects/tasks/batch/create", { inputs: [task("A"), task("B")] });
    expect(failed.status).toBe(500);
    expect(failed.body.category).toBe("INTERNAL_ERROR");
    expect((await portal.listTasks(deal.id)).map((t) => t.properties.hs_task_subject).sort()).toEqual(["A", "B"]);
    const again = await crm(portal, "POST", "/crm/v3/objects/tasks/batch/create", { inputs: [task("C")] });
    expect(again.status).toBe(201);
    expect(await portal.listTasks(deal.id)).toHaveLength(3);
  });

  it("afterApply on a deal PATCH: the change is stored and announced, the answer is the fault", async () => {
    const portal = await sim().createPortal();
    const deal = await portal.createDeal({ properties: { dealname: "Half", dealstage: "appointmentscheduled" } });
    await portal.takeDeliveries({ includeScheduled: true });
    await portal.flushWebhooks();
    await portal.takeDeliveries({ includeScheduled: true });
    await portal.setKnobs({ faults: { script: [{ status: 503, method: "PATCH", afterApply: true }] } });
    const res = await crm(portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { dealstage: "qualifiedtobuy" } });
    expect(res.status).toBe(503);
    expect((await portal.getDeal(deal.id)).properties.dealstage).toBe("qualifiedtobuy");
    await portal.flushWebhooks();
    const events = (await portal.takeDeliveries()).flatMap((d) => d.events);
    expect(events).toContainEqual(expect.objectContaining({ subscriptionType: "deal.propertyChange", propertyName: "dealstage", propertyValue: "qualifiedtobuy", changeSource: "INTEGRATION" }));
  });

  it("afterApply with status 0: the write commits, then the answer hangs (hangMs) and ends as 504", async () => {
    const portal = await sim().createPortal({ faults: { hangMs: 50 } });
    const deal = await portal.createDeal({ properties: { dealname: "Hang", dealstage: "appointmentscheduled" } });
    await portal.setKnobs({ faults: { script: [{ status: 0, method: "PATCH", afterApply: true }] } });
    const res = await crm(portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { hs_next_step: "Call" } });
    expect(res.status).toBe(504);
    expect((await portal.getDeal(deal.id)).properties.hs_next_step).toBe("Call");
  });

  it("answers every request with a 5xx at errorRate 1, from the configured statuses", async () => {
    const portal = await sim().createPortal({ faults: { errorRate: 1, errorStatuses: [502] } });
    expect((await crm(portal, "GET", "/crm/v3/owners")).status).toBe(502);
    await portal.setKnobs({ faults: { errorRate: 0 } });
    expect((await crm(portal, "GET", "/crm/v3/owners")).status).toBe(200);
  });

  it("hangs a request (client side sees no answer until hangMs, then a 504)", async () => {
    const portal = await sim().createPortal({ faults: { script: [{ status: 0 }], hangMs: 200 } });
    const controller = new AbortController();
    const aborted = fetch(`${portal.simUrl}/crm/v3/owners`, { headers: { authorization: `Bearer ${portal.info.accessToken}` }, signal: AbortSignal.any([controller.signal, AbortSignal.timeout(50)]) });
    await expect(aborted).rejects.toThrow();
    const portal2 = await sim().createPortal({ faults: { script: [{ status: 0 }], hangMs: 100 } });
    expect((await crm(portal2, "GET", "/crm/v3/owners")).status).toBe(504);
  });
});

describe("call log", () => {
  it("records method, path, body, status and answer of every CRM request", async () => {
    const portal = await sim().createPortal();
    await portal.seed({});
    const deal = await portal.createDeal({ properties: { dealname: "Log", dealstage: "appointmentscheduled" } });
    await crm(portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { dealstage: "bogus" } });
    const [call] = await portal.calls({ pathIncludes: deal.id });
    expect(call).toMatchObject({ method: "PATCH", path: `/crm/v3/objects/deals/${deal.id}`, body: { properties: { dealstage: "bogus" } }, status: 400, response: { category: "VALIDATION_ERROR" } });
  });
});
