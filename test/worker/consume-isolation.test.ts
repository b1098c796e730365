// Failure isolation in the queue consumer (issues 16.3, 11.3): one deal's persistent error retries only the messages
// carrying that deal's events; a wait for HubSpot's rate budget re-sends the message with a delay instead of spending
// a retry; an unexpected throw retries each message with backoff instead of the whole batch at once.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { QueueMessageBody } from "../../src/env";
import type { HubSpotEvent } from "../../src/hubspot/events";
import { consumeEvents, type ConsumeDeps } from "../../src/jobs/queue/consume-events";
import { dealEvent } from "./signed-request";

beforeEach(async () => {
  await env.DB.batch(["inbox_events", "ingress_counters", "dead_letters"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
});

function message(events: unknown[], id: string, attempts = 1, deferrals?: number) {
  const body: QueueMessageBody = { kind: "events", receivedAt: Date.now(), events, ...(deferrals === undefined ? {} : { deferrals }) };
  return { id, timestamp: new Date(), attempts, body };
}

async function inbox(): Promise<Array<{ object_id: string; status: string; status_reason: string | null; deliveries: number }>> {
  const { results } = await env.DB.prepare("SELECT object_id, status, status_reason, deliveries FROM inbox_events ORDER BY object_id").all<{ object_id: string; status: string; status_reason: string | null; deliveries: number }>();
  return results;
}

/** Enforcement that fails, persistently, for any run that includes deal 2: the others succeed on their own. */
function failingFor(badDeal: string, calls: HubSpotEvent[][]): ConsumeDeps["enforce"] {
  return async (events) => {
    calls.push(events);
    if (events.some((e) => e.objectId === badDeal)) return { ok: false, error: "HubSpot 403: this deal is in a restricted pipeline" };
    return { ok: true, processed: events.length };
  };
}

describe("consumer isolation", () => {
  it("a deal's persistent error retries only its own message; the innocent messages of the batch are acked and processed", async () => {
    const calls: HubSpotEvent[][] = [];
    const batch = createMessageBatch("deal-events", [
      message([dealEvent({ objectId: 1 })], "m1"),
      message([dealEvent({ objectId: 2 })], "m2"),
      message([dealEvent({ objectId: 3 }), dealEvent({ objectId: 1 })], "m3"),
    ]);
    const ctx = createExecutionContext();
    await consumeEvents(batch, env, { now: Date.now, enforce: failingFor("2", calls) });
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m3"]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m2"]);
    expect((await inbox()).map((r) => [r.object_id, r.status])).toEqual([["1", "processed"], ["1", "processed"], ["2", "pending"], ["3", "processed"]]);
    expect((await inbox()).find((r) => r.object_id === "2")?.status_reason).toContain("deal 2: HubSpot 403");
    // One run for the batch, then one per deal.
    expect(calls.map((c) => [...new Set(c.map((e) => e.objectId))].sort())).toEqual([["1", "2", "3"], ["1"], ["2"], ["3"]]);
  });

  it("the retried message re-runs only the failing deal's events (the others stay processed, exactly once)", async () => {
    const calls: HubSpotEvent[][] = [];
    const events = [dealEvent({ objectId: 1 }), dealEvent({ objectId: 2 })];
    await consumeEvents(createMessageBatch("deal-events", [message(events, "m1")]), env, { now: Date.now, enforce: failingFor("2", calls) });
    calls.length = 0;
    const again = createMessageBatch("deal-events", [message(events, "m1", 2)]);
    const ctx = createExecutionContext();
    await consumeEvents(again, env, { now: Date.now, enforce: failingFor("2", calls) });
    expect(calls.map((c) => c.map((e) => e.objectId))).toEqual([["2"]]);
    expect((await getQueueResult(again, ctx)).retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m1"]);
  });

  it("a wait for HubSpot's rate budget re-sends the message with the delay and acks it: no retry is spent", async () => {
    const sent: Array<{ body: QueueMessageBody; delaySeconds: number }> = [];
    const deps: ConsumeDeps = {
      now: Date.now,
      enforce: async () => ({ ok: false, error: "HubSpot budget: spent", retryAfterSeconds: 7 }),
      sendDelayed: async (body, delaySeconds) => void sent.push({ body, delaySeconds }),
    };
    const batch = createMessageBatch("deal-events", [message([dealEvent({ objectId: 1 })], "m1", 1), message([dealEvent({ objectId: 2 })], "m2", 1, 4)]);
    const ctx = createExecutionContext();
    await consumeEvents(batch, env, deps);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
    expect(sent.map((s) => [s.delaySeconds, s.body.deferrals])).toEqual([[7, 1], [7, 5]]);
    // The deferred copy, processed later, doesn't count as another delivery from HubSpot.
    const copy = sent[0]?.body;
    if (copy === undefined) throw new Error("nothing was re-sent");
    const later = createMessageBatch("deal-events", [{ id: "m1-deferred", timestamp: new Date(), attempts: 1, body: copy }]);
    await consumeEvents(later, env, { now: Date.now, enforce: async (e) => ({ ok: true, processed: e.length }) });
    expect((await inbox()).map((r) => [r.object_id, r.status, r.deliveries])).toEqual([["1", "processed", 1], ["2", "pending", 1]]);
  });

  it("a deal's earlier event, deferred for the rate budget, is judged first in the run of its newer event; its own copy then finds it done", async () => {
    const sent: QueueMessageBody[] = [];
    const skip = dealEvent({ objectId: 7, propertyValue: "presentationscheduled", occurredAt: 1_700_000_100_000 });
    const next = dealEvent({ objectId: 7, propertyValue: "decisionmakerboughtin", occurredAt: 1_700_000_101_000 });
    await consumeEvents(createMessageBatch("deal-events", [message([skip], "m1")]), env, {
      now: Date.now,
      enforce: async () => ({ ok: false, error: "HubSpot budget: spent", retryAfterSeconds: 5 }),
      sendDelayed: async (body) => void sent.push(body),
    });
    // The newer move arrives (in its own message) before the deferred copy comes back.
    const calls: HubSpotEvent[][] = [];
    const ok: ConsumeDeps["enforce"] = async (events) => {
      calls.push(events);
      return { ok: true, processed: events.length };
    };
    await consumeEvents(createMessageBatch("deal-events", [message([next], "m2")]), env, { now: Date.now, enforce: ok });
    expect(calls.map((c) => c.map((e) => e.propertyValue))).toEqual([["presentationscheduled", "decisionmakerboughtin"]]);
    expect((await inbox()).map((r) => [r.object_id, r.status])).toEqual([["7", "processed"], ["7", "processed"]]);
    // The deferred copy: nothing left to do, acked without another run.
    const copy = sent[0];
    if (copy === undefined) throw new Error("nothing was deferred");
    const later = createMessageBatch("deal-events", [{ id: "m1-deferred", timestamp: new Date(), attempts: 1, body: copy }]);
    const ctx = createExecutionContext();
    await consumeEvents(later, env, { now: Date.now, enforce: ok });
    expect((await getQueueResult(later, ctx)).explicitAcks).toEqual(["m1-deferred"]);
    expect(calls).toHaveLength(1);
  });

  it("when re-sending fails, the message is retried with the wait as its delay", async () => {
    const deps: ConsumeDeps = {
      now: Date.now,
      enforce: async () => ({ ok: false, error: "429 TEN_SECONDLY_ROLLING", retryAfterSeconds: 10 }),
      sendDelayed: async () => {
        throw new Error("queue unavailable");
      },
    };
    const batch = createMessageBatch("deal-events", [message([dealEvent({ objectId: 1 })], "m1")]);
    const ctx = createExecutionContext();
    await consumeEvents(batch, env, deps);
    expect((await getQueueResult(batch, ctx)).retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m1"]);
  });

  it("an unexpected throw retries each message on its own with a delay (never the whole batch at once)", async () => {
    const deps: ConsumeDeps = {
      now: () => {
        throw new RangeError("Maximum call stack size exceeded");
      },
      enforce: async (e) => ({ ok: true, processed: e.length }),
    };
    const batch = createMessageBatch("deal-events", [message([dealEvent({ objectId: 1 })], "m1"), message([dealEvent({ objectId: 2 })], "m2")]);
    const ctx = createExecutionContext();
    await expect(consumeEvents(batch, env, deps)).resolves.toBeUndefined();
    const result = await getQueueResult(batch, ctx);
    expect(result.retryBatch.retry).toBe(false);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId).sort()).toEqual(["m1", "m2"]);
  });
});
