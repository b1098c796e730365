// End to end through the real local queue: HubSpot redelivering the same batch 10 times stores each event once.
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { dealEvent, signedRequest } from "./signed-request";

it("the same batch delivered 10 times (attemptNumber 0…9) is stored once per event, deliveries counted", async () => {
  // Unhandled-type events take the same ingress → queue → inbox path but stop before enforcement, which would
  // call HubSpot; the deal-event variant with enforcement injected is in consume-events.test.ts.
  const events = Array.from({ length: 20 }, () => dealEvent({ subscriptionType: "contact.propertyChange" }));
  events.push({ ...events[0] }); // a duplicate inside the batch too
  for (let attempt = 0; attempt < 10; attempt++) {
    const body = JSON.stringify(events.map((e) => ({ ...e, attemptNumber: attempt })));
    const res = await exports.default.fetch(await signedRequest(body));
    expect(res.status).toBe(200);
    await res.body?.cancel();
  }
  const totals = async () =>
    env.DB.prepare("SELECT count(*) AS n, coalesce(sum(deliveries), 0) AS d FROM inbox_events").first<{ n: number; d: number }>();
  for (let i = 0; i < 150; i++) {
    const t = await totals();
    if (t && t.d >= 210) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await totals()).toEqual({ n: 20, d: 210 });
  const first = await env.DB.prepare("SELECT deliveries FROM inbox_events WHERE event_id = ?").bind(String(events[0]?.eventId)).first<{ deliveries: number }>();
  expect(first?.deliveries).toBe(20);
}, 30_000);
