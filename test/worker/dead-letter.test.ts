// The dead-letter consumer records every message it receives — any body shape, an unreadable body, nesting no
// stack survives — and acks only once the row exists; a D1 outage retries the message instead of dropping it.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { consumeDeadLetters } from "../../src/jobs/queue/dead-letter";
import { listDeadLetters } from "../../src/store/dead-letters";
import { dealEvent } from "./signed-request";

// Timeouts only guard against hangs: the machine running the suite may be busy (speed lives in benchmarks).
vi.setConfig({ testTimeout: 60_000 });

const DLQ = "deal-events-dlq";

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM dead_letters").run();
});

function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

/** Runs bodies through the Worker's queue handler as DLQ messages; returns the acked ids and the recorded rows. */
async function deliver(bodies: unknown[], prefix = "m") {
  const messages = bodies.map((body, i) => ({ id: `${prefix}${i}`, timestamp: new Date(), attempts: 1, body }));
  const batch = createMessageBatch<unknown>(DLQ, messages);
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<never>, env);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks, retried: result.retryMessages, letters: await listDeadLetters(env.DB, 1000) };
}

describe("dead-letter consumer", () => {
  it("records a poison batch (an event nested 3,000 deep beside an innocent one) instead of dropping it", async () => {
    const innocent = dealEvent();
    const poison = { ...dealEvent(), deep: deepArray(3_000) };
    const { acked, letters } = await deliver([{ kind: "events", receivedAt: 1, events: [innocent, poison] }]);
    expect(acked).toEqual(["m0"]);
    expect(letters).toHaveLength(1);
    const body = JSON.parse(letters[0]?.body ?? "null") as { events: unknown[] };
    expect(body.events[0]).toEqual(innocent);
    expect(letters[0]?.error).toContain("retries exhausted");
  });

  it("records bodies of every shape: junk text, bytes, BigInt, Map, Set, cycles, undefined", async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const bodies: unknown[] = [
      "not json {",
      new TextEncoder().encode("\u0000\u00ff raw"),
      new Uint8Array([0, 255, 1]).buffer,
      { big: 12345678901234567890n },
      new Map([["k", 1]]),
      new Set([1, 2]),
      cyclic,
      undefined,
      null,
      { kind: "events", events: "not an array" },
    ];
    const { acked, retried, letters } = await deliver(bodies);
    expect(retried).toEqual([]);
    expect(acked.sort()).toEqual(bodies.map((_, i) => `m${i}`).sort());
    const byId = new Map(letters.map((l) => [l.id, l]));
    expect(byId.size).toBe(bodies.length);
    expect(JSON.parse(byId.get("m0")?.body ?? "")).toBe("not json {");
    expect(JSON.parse(byId.get("m1")?.body ?? "")).toEqual({ $bytes: "AMO/IHJhdw==", byteLength: 7 });
    expect(JSON.parse(byId.get("m2")?.body ?? "")).toEqual({ $bytes: "AP8B", byteLength: 3 });
    expect(byId.get("m3")?.body).toContain("12345678901234567890n");
    expect(JSON.parse(byId.get("m4")?.body ?? "")).toEqual({ $map: [["k", 1]] });
    expect(JSON.parse(byId.get("m5")?.body ?? "")).toEqual({ $set: [1, 2] });
    expect(byId.get("m6")?.body).toContain("circular");
    for (const letter of letters) expect(letter.error).toMatch(/malformed queue message|retries exhausted/);
  });

  it("records a body nested 10,000 deep and one that can't even be read", async () => {
    // Built by hand: the test pool's createMessageBatch structured-clones bodies, which overflows at this depth.
    const acked: string[] = [];
    const message = (id: string, read: () => unknown) => ({
      id,
      timestamp: new Date(),
      attempts: 1,
      get body(): unknown {
        return read();
      },
      ack: () => acked.push(id),
      retry: () => {
        throw new Error("must not retry");
      },
    });
    const messages = [
      message("deep", () => deepArray(10_000)),
      message("unreadable", () => {
        throw new SyntaxError("Unexpected token in JSON");
      }),
    ];
    const batch = { queue: DLQ, messages, metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } }, ackAll: () => {}, retryAll: () => {} };
    await consumeDeadLetters(batch as unknown as MessageBatch<unknown>, env, () => 42);
    expect(acked).toEqual(["deep", "unreadable"]);
    const byId = new Map((await listDeadLetters(env.DB)).map((l) => [l.id, l]));
    expect(byId.get("deep")?.body).toBe(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);
    expect(byId.get("unreadable")).toMatchObject({ failedAt: 42, error: expect.stringContaining("could not be read") });
    expect(byId.get("unreadable")?.body).toContain("Unexpected token in JSON");
  });

  it("retries (never acks) a message it could not record because D1 is down", async () => {
    const downDb = {
      prepare: () => {
        throw new Error("D1 is down");
      },
    } as unknown as D1Database;
    const batch = createMessageBatch<unknown>(DLQ, [{ id: "later", timestamp: new Date(), attempts: 1, body: { kind: "events", events: [dealEvent()] } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<never>, { ...env, DB: downDb });
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["later"]);
  });

  it("property: whatever the bodies, every message is recorded and acked", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withDate: true, withSparseArray: true, withNullPrototype: true }), { minLength: 1, maxLength: 5 }),
        async (bodies) => {
          await env.DB.prepare("DELETE FROM dead_letters").run();
          const { acked, letters } = await deliver(bodies, `r${run++}-`);
          expect(acked).toHaveLength(bodies.length);
          expect(letters).toHaveLength(bodies.length);
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
