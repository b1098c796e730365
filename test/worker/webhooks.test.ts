// The ingress, request by request: every bad-input class, ignored events, config errors, and the happy path.
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { Env, QueueMessageBody } from "../../src/env";
import { computeV1, computeV2 } from "../../src/hubspot/signature";
import { dealEvent, recordingQueue, signedRequest, WEBHOOK_URL } from "./signed-request";

/** Runs the app with a recording queue; returns the response, its JSON and what was enqueued. */
async function send(request: Request, overrides: Partial<Env> = {}) {
  const queue = recordingQueue<QueueMessageBody>();
  const res = await createApp().fetch(request, { ...env, EVENTS: queue, ...overrides }, createExecutionContext());
  const json: unknown = await res.json();
  return { res, json, sent: queue.sent };
}

function errorCode(json: unknown): unknown {
  return (json as { error?: { code?: unknown } }).error?.code;
}

describe("POST /webhooks/hubspot accepts genuine deliveries", () => {
  it("answers 200 and enqueues the events as sent", async () => {
    const events = [dealEvent(), dealEvent({ subscriptionType: "object.creation", objectTypeId: "0-3" })];
    const { res, json, sent } = await send(await signedRequest(JSON.stringify(events)));
    expect(res.status).toBe(200);
    expect(json).toEqual({ ok: true, received: 2 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body.events).toEqual(events);
  });

  it("answers 200 for an empty array and enqueues nothing", async () => {
    const { res, sent } = await send(await signedRequest("[]"));
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(0);
  });

  it("accepts v1 and v2 only when HUBSPOT_SIGNATURE_VERSIONS enables them", async () => {
    const body = JSON.stringify([dealEvent()]);
    const secret = env.HUBSPOT_CLIENT_SECRET ?? "";
    const v1 = await computeV1(secret, new TextEncoder().encode(body));
    const v2 = await computeV2(secret, "POST", WEBHOOK_URL, new TextEncoder().encode(body));
    const legacy = (signature: string, version: string) =>
      new Request(WEBHOOK_URL, { method: "POST", body, headers: { "x-hubspot-signature": signature, "x-hubspot-signature-version": version } });
    for (const [signature, version] of [[v1, "v1"], [v2, "v2"]] as const) {
      const off = await send(legacy(signature, version));
      expect(off.res.status).toBe(401);
      expect(errorCode(off.json)).toBe("SIGNATURE_VERSION_DISABLED");
      expect(off.sent).toHaveLength(0);
      const on = await send(legacy(signature, version), { HUBSPOT_SIGNATURE_VERSIONS: `${version}, v3` });
      expect(on.res.status).toBe(200);
      expect(on.sent).toHaveLength(1);
      const other = await send(legacy(signature, version), { HUBSPOT_SIGNATURE_VERSIONS: version === "v1" ? "v2,v3" : "v1,v3" });
      expect(other.res.status).toBe(401);
    }
  });

  it("prefers v3 when HubSpot sends both v1 and v3 headers, so the v3 timestamp is enforced", async () => {
    const body = JSON.stringify([dealEvent()]);
    const v1 = await computeV1(env.HUBSPOT_CLIENT_SECRET ?? "", new TextEncoder().encode(body));
    const legacyHeaders = { "x-hubspot-signature": v1, "x-hubspot-signature-version": "v1" };
    const fresh = await send(await signedRequest(body, { headers: legacyHeaders }));
    expect(fresh.res.status).toBe(200);
    const stale = await send(await signedRequest(body, { headers: legacyHeaders, timestamp: Date.now() - 6 * 60_000 }), { HUBSPOT_SIGNATURE_VERSIONS: "v1,v3" });
    expect(stale.res.status).toBe(401);
    expect(errorCode(stale.json)).toBe("STALE_TIMESTAMP");
  });

  it("a HUBSPOT_SIGNATURE_VERSIONS naming an unknown version is a configuration error", async () => {
    const { res, json } = await send(await signedRequest("[]"), { HUBSPOT_SIGNATURE_VERSIONS: "v3,v4" });
    expect(res.status).toBe(500);
    expect(errorCode(json)).toBe("BAD_ENVIRONMENT");
    expect(JSON.stringify(json)).toContain("HUBSPOT_SIGNATURE_VERSIONS");
  });

  it("signs against WEBHOOK_PUBLIC_URL when set (proxy / custom domain)", async () => {
    const body = JSON.stringify([dealEvent()]);
    const signedForPublic = await signedRequest(body, { url: "https://public.example.com/hs/hook?x=a%3Ab" });
    const seenByWorker = new Request("http://internal.local/webhooks/hubspot?x=a%3Ab", signedForPublic);
    expect((await send(seenByWorker)).res.status).toBe(401);
    const ok = await send(new Request("http://internal.local/webhooks/hubspot?x=a%3Ab", await signedRequest(body, { url: "https://public.example.com/hs/hook?x=a%3Ab" })), {
      WEBHOOK_PUBLIC_URL: "https://public.example.com/hs/hook",
    });
    expect(ok.res.status).toBe(200);
  });

  it("splits a large delivery into several queue messages under the size limit", async () => {
    const big = "x".repeat(2000);
    const events = Array.from({ length: 300 }, () => dealEvent({ propertyName: "description", propertyValue: big }));
    const { res, sent } = await send(await signedRequest(JSON.stringify(events)));
    expect(res.status).toBe(200);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.flatMap((m) => m.body.events)).toEqual(events);
    for (const m of sent) expect(JSON.stringify(m.body).length).toBeLessThan(128 * 1024);
  });
});

describe("POST /webhooks/hubspot refuses bad input with a JSON error and enqueues nothing", () => {
  const body = JSON.stringify([dealEvent()]);

  const cases: Array<[string, () => Promise<Request>, number, string]> = [
    ["missing signature", async () => new Request(WEBHOOK_URL, { method: "POST", body }), 401, "UNAUTHORIZED"],
    ["wrong signature", async () => signedRequest(body, { secret: "not-the-secret" }), 401, "INVALID_SIGNATURE"],
    ["body changed after signing", async () => new Request(WEBHOOK_URL, { method: "POST", body: body + " ", headers: (await signedRequest(body)).headers }), 401, "INVALID_SIGNATURE"],
    ["stale timestamp", async () => signedRequest(body, { timestamp: Date.now() - 6 * 60_000 }), 401, "STALE_TIMESTAMP"],
    ["future timestamp", async () => signedRequest(body, { timestamp: Date.now() + 6 * 60_000 }), 401, "STALE_TIMESTAMP"],
    ["body over 1 MiB", async () => signedRequest(JSON.stringify([dealEvent({ propertyValue: "x".repeat(1024 * 1024) })])), 413, "PAYLOAD_TOO_LARGE"],
    ["not JSON", async () => signedRequest("{not json"), 400, "INVALID_JSON"],
    ["JSON object instead of an array", async () => signedRequest('{"a":1}'), 400, "INVALID_EVENTS"],
  ];
  for (const [name, build, status, code] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const { res, json, sent } = await send(await build());
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(errorCode(json)).toBe(code);
      expect(sent).toHaveLength(0);
    });
  }

  it("body over 1 MiB without Content-Length (streamed) → 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let n = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n++ < 40) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const headers = (await signedRequest("[]")).headers;
    const { res, json, sent } = await send(new Request(WEBHOOK_URL, { method: "POST", body: stream, headers }));
    expect(res.status).toBe(413);
    expect(errorCode(json)).toBe("PAYLOAD_TOO_LARGE");
    expect(n).toBeLessThan(40); // stopped reading early
    expect(sent).toHaveLength(0);
  });

  it("refuses an unsigned request before reading its body (401, not 413, for an unsigned 2 MiB body)", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled++ < 32) controller.enqueue(new Uint8Array(64 * 1024));
        else controller.close();
      },
    });
    const { res, json, sent } = await send(new Request(WEBHOOK_URL, { method: "POST", body: stream }));
    expect(res.status).toBe(401);
    expect(errorCode(json)).toBe("UNAUTHORIZED");
    expect(pulled).toBeLessThan(32);
    expect(sent).toHaveLength(0);
  });

  it("a body stream that breaks mid-way → 400, not 500", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("[{"));
        controller.error(new Error("connection reset"));
      },
    });
    const headers = (await signedRequest("[]")).headers;
    const { res, json, sent } = await send(new Request(WEBHOOK_URL, { method: "POST", body: stream, headers }));
    expect(res.status).toBe(400);
    expect(errorCode(json)).toBe("BAD_REQUEST");
    expect(sent).toHaveLength(0);
  });

  it("names the wrong field of a refused event and still takes the valid ones (200)", async () => {
    const events = [dealEvent(), dealEvent({ portalId: "not-a-number" })];
    const { res, json, sent } = await send(await signedRequest(JSON.stringify(events)));
    expect(res.status).toBe(200);
    expect(json).toMatchObject({ ok: true, received: 1, refused: [{ index: 1, code: "INVALID_EVENTS", field: "[1].portalId" }] });
    expect(sent.flatMap((m) => m.body.events)).toEqual([events[0]]);
  });

  it("all events invalid → 400 INVALID_EVENTS naming the first wrong field", async () => {
    const events = [dealEvent({ portalId: "not-a-number" }), dealEvent({ occurredAt: "yesterday" })];
    const { res, json, sent } = await send(await signedRequest(JSON.stringify(events)));
    expect(res.status).toBe(400);
    expect(errorCode(json)).toBe("INVALID_EVENTS");
    expect(JSON.stringify(json)).toContain("[0].portalId");
    expect(JSON.stringify(json)).toContain("[1].occurredAt");
    expect(sent).toHaveLength(0);
  });

  it("names a missing field", async () => {
    const { occurredAt: _dropped, ...noTime } = dealEvent();
    const { res, json } = await send(await signedRequest(JSON.stringify([noTime])));
    expect(res.status).toBe(400);
    expect(JSON.stringify(json)).toContain("[0].occurredAt");
  });

  it("wrong method → 405 with Allow", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await exports.default.fetch(WEBHOOK_URL, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
      expect(errorCode(await res.json())).toBe("METHOD_NOT_ALLOWED");
    }
  });

  it("unknown path → 404", async () => {
    const res = await exports.default.fetch("https://gov.example.com/nope", { method: "POST" });
    expect(res.status).toBe(404);
    expect(errorCode(await res.json())).toBe("NOT_FOUND");
  });
});

describe("configuration", () => {
  it("incomplete config → 500 BAD_ENVIRONMENT naming the missing variable, no stack", async () => {
    const { res, json, sent } = await send(await signedRequest("[]"), { HUBSPOT_CLIENT_SECRET: undefined });
    expect(res.status).toBe(500);
    expect(errorCode(json)).toBe("BAD_ENVIRONMENT");
    expect(JSON.stringify(json)).toContain("HUBSPOT_CLIENT_SECRET");
    expect(JSON.stringify(json)).not.toContain("at ");
    expect(sent).toHaveLength(0);
  });
});

describe("GET /healthz", () => {
  it("reports version, config and D1", async () => {
    const res = await exports.default.fetch("https://gov.example.com/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, version: expect.any(String), config: { ok: true }, d1: { ok: true } });
  });
  it("is 503 naming the problem when config is incomplete", async () => {
    const res = await createApp().fetch(new Request("https://gov.example.com/healthz"), { ...env, HUBSPOT_ACCESS_TOKEN: "" }, createExecutionContext());
    expect(res.status).toBe(503);
    expect(JSON.stringify(await res.json())).toContain("HUBSPOT_ACCESS_TOKEN");
  });
});
