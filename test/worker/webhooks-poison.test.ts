// The ingress screens each event: nested too deep, too large or not a HubSpot event → refused on its own (400 when
// nothing valid is left, else 200 for the valid ones) and recorded in refused_events; never a 5xx, never enqueued.
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { Env, QueueMessageBody } from "../../src/env";
import { MAX_STORED_PAYLOAD_CHARS } from "../../src/http/record-refusals";
import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH, MAX_EVENTS_PER_DELIVERY } from "../../src/http/screen-events";
import { listRefusedEvents } from "../../src/store/refused-events";
import { dealEvent, recordingQueue, signedRequest } from "./signed-request";

// Timeouts only guard against hangs: the machine running the suite may be busy (speed lives in benchmarks).
vi.setConfig({ testTimeout: 60_000 });

interface Answer {
  ok?: boolean;
  received?: number;
  refusedCount?: number;
  refused?: Array<{ index: number; code: string; field: string }>;
  error?: { code: string; message: string; details?: { refusedCount?: number } };
}

async function send(body: string, overrides: Partial<Env> = {}) {
  const queue = recordingQueue<QueueMessageBody>();
  const res = await createApp().fetch(await signedRequest(body), { ...env, EVENTS: queue, ...overrides }, createExecutionContext());
  const json = await res.json<Answer>();
  return { res, json, enqueued: queue.sent.flatMap((m) => m.body.events) };
}

/** `{ deep: [[[…]]] }` inside an event, so that the event object itself is `depth` levels deep. */
function nestedEvent(depth: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  let inner: unknown = [];
  for (let i = 2; i < depth; i++) inner = [inner];
  return dealEvent({ ...overrides, deep: inner });
}

/** The JSON text of an event nested `depth` deep, built as text (no recursion anywhere). */
function deepEventText(depth: number): string {
  const event = JSON.stringify(dealEvent());
  return `${event.slice(0, -1)},"deep":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
}

/** D1 whose writes fail (an outage), statements still prepared by the real one. */
const brokenDb = {
  prepare: (sql: string) => env.DB.prepare(sql),
  batch: () => Promise.reject(new Error("D1 is down")),
} as unknown as D1Database;

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM refused_events").run();
});

describe("deeply nested JSON", () => {
  it(`accepts an event ${MAX_EVENT_DEPTH} levels deep and refuses one a level deeper`, async () => {
    const atLimit = await send(JSON.stringify([nestedEvent(MAX_EVENT_DEPTH)]));
    expect(atLimit.res.status).toBe(200);
    expect(atLimit.enqueued).toHaveLength(1);
    const over = await send(JSON.stringify([nestedEvent(MAX_EVENT_DEPTH + 1)]));
    expect(over.res.status).toBe(400);
    expect(over.json.error?.code).toBe("JSON_TOO_DEEP");
    expect(over.json.error?.message).toContain("[0]");
    expect(over.enqueued).toHaveLength(0);
  });

  for (const depth of [1_000, 3_000, 10_000]) {
    it(`depth ${depth} through the real Worker and queue: 400 JSON_TOO_DEEP, recorded, no 5xx`, async () => {
      const res = await exports.default.fetch(await signedRequest(`[${deepEventText(depth)}]`));
      expect(res.status).toBe(400);
      expect((await res.json<Answer>()).error?.code).toBe("JSON_TOO_DEEP");
      const [row] = await listRefusedEvents(env.DB);
      expect(row).toMatchObject({ reason: "JSON_TOO_DEEP", field: "[0]", portalId: "62515", objectId: "9001", truncated: false });
      expect(row?.payload.length).toBeGreaterThan(2 * depth);
    });
  }

  it("a 1 MiB body of brackets (depth ~500,000) is answered 400, not a stack overflow", async () => {
    const half = 512 * 1024 - 8;
    const { res, json } = await send(`[${"[".repeat(half)}${"]".repeat(half)}]`);
    expect(res.status).toBe(400);
    expect(json.error?.code).toBe("JSON_TOO_DEEP");
    // Recorded, with the first 128 KiB of it kept and its full size and hash.
    const [row] = await listRefusedEvents(env.DB);
    expect(row).toMatchObject({ reason: "JSON_TOO_DEEP", truncated: true, bytes: 2 * half });
    expect(row?.payload.length).toBe(MAX_STORED_PAYLOAD_CHARS);
  });
});

describe("events over the size limit", () => {
  const huge = () => dealEvent({ propertyName: "description", propertyValue: "x".repeat(MAX_EVENT_BYTES) });

  it("alone: 400 EVENT_TOO_LARGE, recorded (truncated, with its full size)", async () => {
    const { res, json, enqueued } = await send(JSON.stringify([huge()]));
    expect(res.status).toBe(400);
    expect(json.error?.code).toBe("EVENT_TOO_LARGE");
    expect(enqueued).toHaveLength(0);
    const [row] = await listRefusedEvents(env.DB);
    expect(row?.reason).toBe("EVENT_TOO_LARGE");
    expect(row?.bytes).toBeGreaterThan(MAX_EVENT_BYTES);
  });

  it(`an event of exactly ${MAX_EVENT_BYTES} bytes is accepted and enqueued; one byte more is refused`, async () => {
    const sized = (bytes: number) => {
      const base = JSON.stringify(dealEvent({ propertyName: "description", propertyValue: "" })).length;
      return dealEvent({ propertyName: "description", propertyValue: "x".repeat(bytes - base) });
    };
    const atLimit = sized(MAX_EVENT_BYTES);
    expect(JSON.stringify(atLimit).length).toBe(MAX_EVENT_BYTES);
    const ok = await send(JSON.stringify([atLimit, dealEvent()]));
    expect(ok.res.status).toBe(200);
    expect(ok.json.refusedCount).toBeUndefined();
    expect(ok.enqueued[0]).toEqual(atLimit);
    const over = await send(JSON.stringify([sized(MAX_EVENT_BYTES + 1), dealEvent()]));
    expect(over.json).toMatchObject({ received: 1, refused: [{ index: 0, code: "EVENT_TOO_LARGE" }] });
  });

  it("with valid events: 200, the valid ones enqueued", async () => {
    const valid = [dealEvent(), dealEvent()];
    const { res, json, enqueued } = await send(JSON.stringify([valid[0], huge(), valid[1]]));
    expect(res.status).toBe(200);
    expect(json).toMatchObject({ ok: true, received: 2, refusedCount: 1, refused: [{ index: 1, code: "EVENT_TOO_LARGE", field: "[1]" }] });
    expect(enqueued).toEqual(valid);
  });
});

describe("a delivery mixing valid events with refused ones", () => {
  it("enqueues exactly the valid events, answers 200 naming each refusal, and records each refusal once across retries", async () => {
    const valid = [dealEvent(), dealEvent({ subscriptionType: "deal.creation", propertyName: undefined, propertyValue: undefined })];
    const bad = [deepEventText(5_000), JSON.stringify(dealEvent({ portalId: "not-a-number" })), '"just a string"'];
    const body = (attempt: number) => `[${JSON.stringify(valid[0])},${bad[0]},${bad[1]},${JSON.stringify(valid[1])},${bad[2]}]`.replaceAll('"attemptNumber":0', `"attemptNumber":${attempt}`);
    const first = await send(body(0));
    expect(first.res.status).toBe(200);
    expect(first.json).toMatchObject({
      ok: true,
      received: 2,
      refusedCount: 3,
      refused: [
        { index: 1, code: "JSON_TOO_DEEP", field: "[1]" },
        { index: 2, code: "INVALID_EVENTS", field: "[2].portalId" },
        { index: 4, code: "INVALID_EVENTS", field: "[4]" },
      ],
    });
    expect(first.enqueued).toEqual(valid);

    // HubSpot's retry of the same delivery (attemptNumber 1) counts on the same rows.
    expect((await send(body(1))).res.status).toBe(200);
    const rows = await listRefusedEvents(env.DB);
    expect(rows.map((r) => r.reason).sort()).toEqual(["INVALID_EVENTS", "INVALID_EVENTS", "JSON_TOO_DEEP"]);
    expect(rows.every((r) => r.deliveries === 2)).toBe(true);
  });

  it("when the refusals can't be recorded: 503 (HubSpot retries) and nothing enqueued, so nothing is lost", async () => {
    const { res, json, enqueued } = await send(`[${JSON.stringify(dealEvent())},${deepEventText(100)}]`, { DB: brokenDb });
    expect(res.status).toBe(503);
    expect(json.error?.code).toBe("UNAVAILABLE");
    expect(enqueued).toHaveLength(0);
  });

  it("when every event is refused and D1 is down: still a 400 naming the reason", async () => {
    const { res, json } = await send(`[${deepEventText(100)}]`, { DB: brokenDb });
    expect(res.status).toBe(400);
    expect(json.error?.code).toBe("JSON_TOO_DEEP");
  });

  it(`a delivery of more than ${MAX_EVENTS_PER_DELIVERY} items is refused whole (400), before any is screened or recorded`, async () => {
    const { res, json, enqueued } = await send(JSON.stringify(Array.from({ length: MAX_EVENTS_PER_DELIVERY + 1 }, () => 1)));
    expect(res.status).toBe(400);
    expect(json.error?.code).toBe("INVALID_EVENTS");
    expect(json.error?.message).toContain(String(MAX_EVENTS_PER_DELIVERY));
    expect(enqueued).toHaveLength(0);
    expect(await listRefusedEvents(env.DB)).toHaveLength(0);
    const atLimit = await send(JSON.stringify(Array.from({ length: MAX_EVENTS_PER_DELIVERY }, () => dealEvent())));
    expect(atLimit.res.status).toBe(200);
    expect(atLimit.enqueued).toHaveLength(MAX_EVENTS_PER_DELIVERY);
  });

  it("property: any mix enqueues the valid events in order, refuses the rest, and is never a 5xx", async () => {
    const item = fc.oneof(
      fc.constant(null).map(() => ({ valid: true, text: JSON.stringify(dealEvent()) })),
      fc.integer({ min: MAX_EVENT_DEPTH + 1, max: 20_000 }).map((d) => ({ valid: false, text: deepEventText(d) })),
      fc.jsonValue({ maxDepth: 3 }).map((v) => ({ valid: false, text: JSON.stringify(v) })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 6 }), async (items) => {
        const { res, json, enqueued } = await send(`[${items.map((i) => i.text).join(",")}]`);
        const valid = items.filter((i) => i.valid);
        expect(res.status).toBe(valid.length > 0 || items.length === 0 ? 200 : 400);
        expect(enqueued).toEqual(valid.map((i) => JSON.parse(i.text) as unknown));
        if (res.status === 200) expect(json.refusedCount ?? 0).toBe(items.length - valid.length);
        else expect(json.error?.details?.refusedCount).toBe(items.length);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
