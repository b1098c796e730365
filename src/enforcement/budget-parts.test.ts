// The part of a run the rate budget has room for goes now, the rest after — without a runtime: the pipeline run is
// passed in, and answers as the budget would.
import { describe, expect, it } from "vitest";
import type { HubSpotEvent } from "../hubspot/events";
import { enforceInParts, type RunOutcome } from "./budget-parts";
import { compile, event, NOW } from "./test-snapshot";

const SET = compile(`
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "skipped a stage"`);
const events = Array.from({ length: 120 }, (_, i) => event({ objectId: `d${i}`, propertyName: "dealstage", propertyValue: "qualifiedtobuy", occurredAt: NOW + i }));
const STATS = { deals: 0, echoes: 0, dropped: 0, violations: 0, tasksCreated: 0, reverts: 0, resolved: 0 };

/** A budget with `room` calls now and `later` once a run waits in place; a run costs ceil(deals / 50) + 2 calls. */
function budget(room: number, later: number) {
  const runs: Array<{ deals: number; wait: boolean }> = [];
  let left = room;
  const run = async (part: HubSpotEvent[], wait: boolean): Promise<RunOutcome> => {
    const deals = new Set(part.map((e) => e.objectId)).size;
    runs.push({ deals, wait });
    const cost = Math.ceil(deals / 50) + 2;
    if (wait && cost > left) left = later;
    if (cost > left) return { ok: false, refused: { error: "HubSpot budget: spent", retryAfterSeconds: 3, room: left } };
    left -= cost;
    return { ok: true, processed: part.length, stats: { ...STATS, deals } };
  };
  return { run, runs };
}

describe("a run in parts", () => {
  it("runs whole when the window has room for all of it", async () => {
    const b = budget(10, 0);
    expect(await enforceInParts(events, b.run, SET)).toMatchObject({ ok: true, processed: 120 });
    expect(b.runs).toEqual([{ deals: 120, wait: false }]);
  });
  it("waits (or is deferred) whole when not even one read fits", async () => {
    const b = budget(2, 0);
    expect(await enforceInParts(events, b.run, SET)).toEqual({ ok: false, error: "HubSpot budget: spent", retryAfterSeconds: 3 });
    expect(b.runs).toEqual([{ deals: 120, wait: false }, { deals: 120, wait: true }]);
  });
  it("does the part that fits now, then the rest once the window has room", async () => {
    const b = budget(4, 3);
    expect(await enforceInParts(events, b.run, SET)).toMatchObject({ ok: true, processed: 120, stats: { deals: 120 } });
    expect(b.runs).toEqual([{ deals: 120, wait: false }, { deals: 100, wait: false }, { deals: 20, wait: true }]);
  });
  it("says which events were done when the rest must wait for the queue", async () => {
    const b = budget(4, 0);
    const outcome = await enforceInParts(events, b.run, SET);
    expect(outcome).toMatchObject({ ok: false, retryAfterSeconds: 3 });
    expect(outcome.ok ? [] : outcome.done?.map((e) => e.objectId)).toEqual(events.slice(0, 100).map((e) => e.objectId));
  });
});
