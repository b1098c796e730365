// The queue consumer against real local D1: exactly-once storage, ignored events, retry and dead-letter paths.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { QueueMessageBody } from "../../src/env";
import type { HubSpotEvent } from "../../src/hubspot/events";
import worker from "../../src/index";
import { consumeEvents, retryDelaySeconds, type ConsumeDeps } from "../../src/jobs/queue/consume-events";
import { enforceDealEvents } from "../../src/enforcement";
import { listDeadLetters } from "../../src/store/dead-letters";
import { listIngressCounters } from "../../src/store/ingress-counters";
import { dealEvent } from "./signed-request";

// D1 storage is isolated per test file, not per test: start every test from empty tables.
beforeEach(async () => {
  await env.DB.batch(["inbox_events", "ingress_counters", "dead_letters"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
});

function message(events: unknown[], id: string, attempts = 1) {
  const body: QueueMessageBody = { kind: "events", receivedAt: Date.now(), events };
  return { id, timestamp: new Date(), attempts, body };
}

async function inboxRows(): Promise<Array<{ hash: string; event_id: string; deliveries: number; status: string; status_reason: string | null }>> {
  const { results } = await env.DB.prepare("SELECT hash, event_id, deliveries, status, status_reason FROM inbox_events ORDER BY event_id").all<{
    hash: string;
    event_id: string;
    deliveries: number;
    status: string;
    status_reason: string | null;
  }>();
  return results;
}

/**
 * getQueueResult reports which messages were retried but not their delay; this wraps the platform's messages
 * (delegating ack/retry, so getQueueResult still sees them) to record the retry options too.
 */
function withRetryLog<T>(batch: MessageBatch<T>): { batch: MessageBatch<T>; delays: Map<string, number | undefined> } {
  const delays = new Map<string, number | undefined>();
  const messages = batch.messages.map((m) => ({
    id: m.id,
    timestamp: m.timestamp,
    body: m.body,
    attempts: m.attempts,
    ack: () => m.ack(),
    retry: (options?: QueueRetryOptions) => {
      delays.set(m.id, options?.delaySeconds);
      m.retry(options);
    },
  }));
  return { batch: { queue: batch.queue, metadata: batch.metadata, messages, ackAll: () => batch.ackAll(), retryAll: (o) => batch.retryAll(o) }, delays };
}

/** Dependencies that record what reaches enforcement. */
function recordingDeps(): ConsumeDeps & { handed: HubSpotEvent[][] } {
  const handed: HubSpotEvent[][] = [];
  return {
    handed,
    now: Date.now,
    enforce: async (events) => {
      handed.push(events);
      return { ok: true, processed: events.length };
    },
  };
}

describe("consumeEvents", () => {
  it("stores each event once when the same batch is delivered 10 times, counting deliveries", async () => {
    const events = [dealEvent(), dealEvent(), dealEvent({ subscriptionType: "deal.creation", propertyName: undefined })];
    const deps = recordingDeps();
    for (let attempt = 0; attempt < 10; attempt++) {
      const redelivered = events.map((e) => ({ ...e, attemptNumber: attempt }));
      const batch = createMessageBatch("deal-events", [message(redelivered, `m${attempt}`)]);
      const ctx = createExecutionContext();
      await consumeEvents(batch, env, deps);
      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks).toEqual([`m${attempt}`]);
      expect(result.retryMessages).toEqual([]);
    }
    const rows = await inboxRows();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.deliveries === 10 && r.status === "processed")).toBe(true);
    // Enforcement saw each event once, on the first delivery only.
    expect(deps.handed.flat()).toHaveLength(3);
    expect(deps.handed.flat().map((e) => e.inboxHash).sort()).toEqual(rows.map((r) => r.hash).sort());
  });

  it("stores duplicates inside one batch once", async () => {
    const e = dealEvent();
    const deps = recordingDeps();
    await consumeEvents(createMessageBatch("deal-events", [message([e, { ...e, attemptNumber: 3 }, e], "dup")]), env, deps);
    const rows = await inboxRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deliveries).toBe(3);
    expect(deps.handed.flat()).toHaveLength(1);
  });

  it("normalises object.* deal events and hands them over as deal.*", async () => {
    const deps = recordingDeps();
    const e = dealEvent({ subscriptionType: "object.propertyChange", objectTypeId: "0-3" });
    await consumeEvents(createMessageBatch("deal-events", [message([e], "obj")]), env, deps);
    expect(deps.handed.flat().map((x) => x.subscriptionType)).toEqual(["deal.propertyChange"]);
  });

  it("stores but does not process other portals' events and unhandled types, counting each once", async () => {
    const deps = recordingDeps();
    const foreign = dealEvent({ portalId: 111 });
    const contact = dealEvent({ subscriptionType: "contact.creation", propertyName: undefined });
    const customEnv = { ...env, HUBSPOT_PORTAL_ID: "62515" };
    for (let i = 0; i < 3; i++) {
      await consumeEvents(createMessageBatch("deal-events", [message([foreign, contact, dealEvent()], `ign${i}`)]), customEnv, deps);
    }
    expect(deps.handed.flat().every((e) => e.portalId === "62515" && e.subscriptionType.startsWith("deal."))).toBe(true);
    const rows = await inboxRows();
    expect(rows.filter((r) => r.status === "ignored")).toHaveLength(2);
    const counters = await listIngressCounters(env.DB);
    expect(counters.map((c) => [c.reason, c.count]).sort()).toEqual([
      ["other_portal", 1],
      ["unhandled_type", 1],
    ]);
  });

  it("retries with exponential delay when processing fails, and processes on the retry", async () => {
    const e = dealEvent();
    const failing: ConsumeDeps = { now: Date.now, enforce: async () => ({ ok: false, error: "hubspot unavailable" }) };
    const first = createMessageBatch("deal-events", [message([e], "r1", 1)]);
    const ctx = createExecutionContext();
    const logged = withRetryLog(first);
    await consumeEvents(logged.batch, env, failing);
    const result = await getQueueResult(first, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "r1" }]);
    expect(logged.delays.get("r1")).toBe(retryDelaySeconds(1));
    expect((await inboxRows())[0]).toMatchObject({ status: "pending", status_reason: "hubspot unavailable", deliveries: 1 });

    const deps = recordingDeps();
    const second = createMessageBatch("deal-events", [message([e], "r1", 2)]);
    await consumeEvents(second, env, deps);
    expect((await getQueueResult(second, createExecutionContext())).explicitAcks).toEqual(["r1"]);
    expect(deps.handed.flat()).toHaveLength(1);
    // A queue retry is not a HubSpot redelivery: deliveries stays 1.
    expect((await inboxRows())[0]).toMatchObject({ status: "processed", deliveries: 1 });
  });

  it("hands the whole batch to enforcement in one run, grouping a deal's events across messages", async () => {
    const deps = recordingDeps();
    const early = dealEvent({ objectId: 4242, occurredAt: 1_000 });
    const late = dealEvent({ objectId: 4242, occurredAt: 2_000 });
    const other = dealEvent({ objectId: 7 });
    const batch = createMessageBatch("deal-events", [message([late], "m1"), message([other, early], "m2")]);
    await consumeEvents(batch, env, deps);
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(deps.handed).toHaveLength(1);
    // Ordered by occurredAt across the messages.
    expect(deps.handed[0]?.map((e) => [e.objectId, e.occurredAt])).toEqual([
      ["4242", 1_000],
      ["4242", 2_000],
      ["7", other.occurredAt],
    ]);
    expect((await inboxRows()).every((r) => r.status === "processed")).toBe(true);
  });

  it("retries the batch's messages when processing throws (delay by attempts), re-sends them after retryAfterSeconds, acks messages with nothing pending", async () => {
    let calls = 0;
    const resent: Array<[unknown, number]> = [];
    const deps: ConsumeDeps = {
      now: Date.now,
      sendDelayed: async (body, delaySeconds) => void resent.push([body, delaySeconds]),
      enforce: async (events) => {
        calls++;
        if (calls === 1) throw new Error("boom");
        if (calls === 2) return { ok: false, error: "rate limited", retryAfterSeconds: 120 };
        return { ok: true, processed: events.length };
      },
    };
    const done = dealEvent();
    await consumeEvents(createMessageBatch("deal-events", [message([done], "seen")]), env, deps); // calls = 1: fails
    await consumeEvents(createMessageBatch("deal-events", [message([done], "seen")]), env, deps); // calls = 2: fails
    await consumeEvents(createMessageBatch("deal-events", [message([done], "seen")]), env, deps); // calls = 3: processed
    calls = 0;
    const [a, b] = [dealEvent(), dealEvent()];
    const make = (n: number) => [message([a], "a", 3 + n), message([b], "b", 1 + n), message([done], "c", 1 + n)];

    const first = createMessageBatch("deal-events", make(0));
    const logged = withRetryLog(first);
    await consumeEvents(logged.batch, env, deps);
    const result = await getQueueResult(first, createExecutionContext());
    expect(result.retryMessages).toEqual([{ msgId: "a" }, { msgId: "b" }]);
    // "c" carries only an already-processed event: acked although the run failed.
    expect(result.explicitAcks).toEqual(["c"]);
    expect([...logged.delays]).toEqual([
      ["a", retryDelaySeconds(3)],
      ["b", retryDelaySeconds(1)],
    ]);
    expect(calls).toBe(1);

    const second = createMessageBatch("deal-events", make(1));
    const logged2 = withRetryLog(second);
    await consumeEvents(logged2.batch, env, deps);
    // A rate-limit wait spends no retry: the messages are re-sent with the wait as their delay, and acked.
    const waited = await getQueueResult(second, createExecutionContext());
    expect(waited.retryMessages).toEqual([]);
    expect(waited.explicitAcks.sort()).toEqual(["a", "b", "c"]);
    expect(resent.slice(-2).map(([, delay]) => delay)).toEqual([120, 120]);

    const third = createMessageBatch("deal-events", make(2));
    await consumeEvents(third, env, deps);
    expect((await getQueueResult(third, createExecutionContext())).explicitAcks.sort()).toEqual(["a", "b", "c"]);
    expect(calls).toBe(3);
    expect((await inboxRows()).every((r) => r.status === "processed")).toBe(true);
  });

  it("dead-letters a malformed message instead of retrying it forever", async () => {
    const batch = createMessageBatch("deal-events", [{ id: "bad", timestamp: new Date(), attempts: 1, body: { kind: "nope" } }]);
    await consumeEvents(batch, env, recordingDeps());
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(["bad"]);
    expect((await listDeadLetters(env.DB))[0]).toMatchObject({ id: "bad", error: expect.stringContaining("malformed") });
  });

  it("the retry delay doubles and is capped", () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([4, 8, 16, 32]);
    expect(retryDelaySeconds(30)).toBe(900);
  });
});

describe("Worker queue handler", () => {
  it("routes the events queue to the consumer", async () => {
    expect(typeof enforceDealEvents).toBe("function");
    // A contact event: stored and acked without reaching enforcement (which would call HubSpot).
    const batch = createMessageBatch<QueueMessageBody>("deal-events", [message([dealEvent({ subscriptionType: "contact.creation" })], "w1")]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["w1"]);
    expect(await inboxRows()).toHaveLength(1);
  });

  it("records a dead letter with the last error from the DLQ", async () => {
    const e = dealEvent();
    await consumeEvents(createMessageBatch("deal-events", [message([e], "x1", 11)]), env, {
      now: Date.now,
      enforce: async () => ({ ok: false, error: "HubSpot 400 VALIDATION_ERROR" }),
    });
    const dlq = createMessageBatch<QueueMessageBody>("deal-events-dlq", [message([e], "x1", 1)]);
    const ctx = createExecutionContext();
    await worker.queue(dlq, env);
    expect((await getQueueResult(dlq, ctx)).explicitAcks).toEqual(["x1"]);
    const [letter] = await listDeadLetters(env.DB);
    expect(letter).toMatchObject({ id: "x1", queue: "deal-events-dlq", error: "HubSpot 400 VALIDATION_ERROR" });
    expect(JSON.parse(letter?.body ?? "{}")).toMatchObject({ kind: "events", events: [e] });
    // Delivered again to the DLQ: still one row.
    await worker.queue(createMessageBatch<QueueMessageBody>("deal-events-dlq", [message([e], "x1", 2)]), env);
    expect(await listDeadLetters(env.DB)).toHaveLength(1);
  });
});

describe("inbox payload", () => {
  it("keeps the raw event, unknown fields included, for replay", async () => {
    const e = dealEvent({ somethingNew: { nested: [1, "two"] }, propertyValue: "ünïcödé \"quoted\"" });
    await consumeEvents(createMessageBatch("deal-events", [message([e], "p1")]), env, recordingDeps());
    const row = await env.DB.prepare("SELECT payload FROM inbox_events").first<{ payload: string }>();
    expect(JSON.parse(row?.payload ?? "null")).toEqual(e);
  });
});
