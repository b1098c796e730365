// Property-based tests over random bodies and headers against the real Worker (real local queue and D1):
// never a 5xx, and nothing reaches the inbox without a valid signature.
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { QueueMessageBody } from "../../src/env";
import { computeV1, computeV3 } from "../../src/hubspot/signature";
import { dealEvent, recordingQueue, signedRequest, WEBHOOK_URL } from "./signed-request";

const enc = new TextEncoder();

const eventArb = fc.record(
  {
    eventId: fc.oneof(fc.nat(), fc.string()),
    subscriptionId: fc.nat(),
    portalId: fc.oneof(fc.nat(), fc.constant("62515"), fc.constant(null)),
    appId: fc.nat(),
    occurredAt: fc.oneof(fc.nat(), fc.double()),
    subscriptionType: fc.constantFrom("deal.creation", "deal.propertyChange", "object.merge", "contact.creation", "nonsense", ""),
    attemptNumber: fc.integer({ min: -1, max: 12 }),
    objectId: fc.oneof(fc.nat(), fc.string()),
    propertyName: fc.option(fc.string(), { nil: undefined }),
    propertyValue: fc.option(fc.oneof(fc.string(), fc.integer(), fc.boolean()), { nil: undefined }),
  },
  { requiredKeys: [] },
);
const bodyArb = fc.oneof(
  fc.array(eventArb, { maxLength: 5 }).map((a) => JSON.stringify(a)),
  fc.json(),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constant(""),
);
const headerValueArb = fc.oneof(fc.string({ maxLength: 60 }), fc.base64String({ minLength: 44, maxLength: 44 }), fc.stringMatching(/^[0-9a-f]{64}$/));
const headersArb = fc.record(
  {
    "x-hubspot-signature-v3": headerValueArb,
    "x-hubspot-signature": headerValueArb,
    "x-hubspot-signature-version": fc.constantFrom("v1", "v2", "v3", "V1", "", "v9"),
    "x-hubspot-request-timestamp": fc.oneof(fc.constant(String(Date.now())), fc.string({ maxLength: 20 }), fc.nat().map(String)),
    "content-type": fc.constantFrom("application/json", "text/plain", "x/y"),
  },
  { requiredKeys: [] },
);
// Header values must be printable for the Request constructor; drop the ones it would reject.
const safeHeaders = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\x20-\x7e]*$/.test(v)));

async function inboxCount(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM inbox_events").first<{ n: number }>())?.n ?? 0;
}

async function waitFor(check: () => Promise<boolean>, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe("webhook ingress properties", () => {
  it("random bodies and headers, unsigned or wrongly signed: never 5xx, always a JSON error, never stored", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(bodyArb, headersArb, fc.constantFrom("POST", "PUT", "GET"), async (body, headers, method) => {
        const res = await exports.default.fetch(WEBHOOK_URL, { method, body: method === "GET" ? undefined : body, headers: safeHeaders(headers) });
        statuses.add(res.status);
        expect(res.status).toBeLessThan(500);
        expect(res.status).toBeGreaterThanOrEqual(400);
        const json = await res.json<{ error?: { code?: string; message?: string } }>();
        expect(typeof json.error?.code).toBe("string");
      }),
      { numRuns: 200 },
    );
    expect(statuses.has(401)).toBe(true);

    // Positive control: a genuine delivery does reach the inbox through the real queue, so an empty inbox
    // above means "refused", not "the pipeline is idle".
    const genuine = await exports.default.fetch(await signedRequest(JSON.stringify([dealEvent({ subscriptionType: "contact.creation" })])));
    expect(genuine.status).toBe(200);
    expect(await waitFor(async () => (await inboxCount()) >= 1)).toBe(true);
    expect(await inboxCount()).toBe(1);
  }, 120_000);

  it("correctly signed random bodies (v3 and v1): never 5xx; 200 only for arrays of events", async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, fc.boolean(), async (body, useV1) => {
        const secret = env.HUBSPOT_CLIENT_SECRET ?? "";
        const headers: Record<string, string> = useV1
          ? { "x-hubspot-signature": await computeV1(secret, enc.encode(body)), "x-hubspot-signature-version": "v1" }
          : await (async () => {
              const ts = String(Date.now());
              return { "x-hubspot-signature-v3": await computeV3(secret, "POST", WEBHOOK_URL, enc.encode(body), ts), "x-hubspot-request-timestamp": ts };
            })();
        // A recording queue: valid deal events must not start enforcement (and HubSpot calls) here.
        const queue = recordingQueue<QueueMessageBody>();
        const res = await createApp().fetch(
          new Request(WEBHOOK_URL, { method: "POST", body, headers }),
          { ...env, EVENTS: queue, HUBSPOT_SIGNATURE_VERSIONS: "v1,v3" },
          createExecutionContext(),
        );
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(queue.sent).toHaveLength(0);
        if (res.status === 400) {
          const json = await res.json<{ error: { code: string } }>();
          expect(["INVALID_JSON", "INVALID_EVENTS", "JSON_TOO_DEEP"]).toContain(json.error.code);
        } else {
          expect(Array.isArray(JSON.parse(body))).toBe(true);
          await res.body?.cancel();
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
