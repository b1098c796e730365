// The pure front of the pipeline without a runtime: grouping, echo recognition, the from-stage located in the
// property history, and the verdicts evaluate returns. No env, no fetch, no D1, no clock: `now` and inputs are given.
import { describe, expect, it } from "vitest";
import type { HubSpotEvent } from "../hubspot/events";
import { evaluateSnapshot } from "./evaluate";
import { groupDealEvents } from "./group-events";
import { APP_ID, compile, dealRecord, event, NOW, snapshotOf } from "./test-snapshot";

const S = 1_000;

describe("grouping", () => {
  const cases: Array<{ name: string; events: HubSpotEvent[]; changes: Array<Array<[string, string | null]>>; kinds?: string[] }> = [
    {
      name: "a pipeline switch (pipeline + dealstage within a second, same source) is one move",
      events: [event({ occurredAt: NOW, propertyName: "dealstage", propertyValue: "1001" }), event({ occurredAt: NOW + 300, propertyName: "pipeline", propertyValue: "7654321" })],
      changes: [[["dealstage", "1001"], ["pipeline", "7654321"]]],
    },
    {
      name: "a creation and its initial values share a timestamp: one created change",
      events: [event({ subscriptionType: "deal.creation", propertyName: null, propertyValue: null }), event({ propertyName: "amount", propertyValue: "5", changeSource: "API" })],
      changes: [[["amount", "5"]]],
      kinds: ["created"],
    },
    {
      name: "other properties a second apart are separate changes, in time order",
      events: [event({ occurredAt: NOW + 2 * S, propertyName: "amount", propertyValue: "7" }), event({ occurredAt: NOW, propertyName: "closedate", propertyValue: "2026-08-01" })],
      changes: [[["closedate", "2026-08-01"]], [["amount", "7"]]],
    },
    {
      name: "the same property from two sources at one instant is two changes",
      events: [event({ propertyName: "amount", propertyValue: "1" }), event({ propertyName: "amount", propertyValue: "2", changeSource: "API", sourceId: "x" })],
      changes: [[["amount", "1"]], [["amount", "2"]]],
    },
    {
      name: "an association change stands alone and carries no values",
      events: [event({ subscriptionType: "deal.associationChange", propertyName: null, propertyValue: null })],
      changes: [[]],
    },
  ];
  it.each(cases)("$name", ({ events, changes, kinds }) => {
    const grouped = groupDealEvents(events, { appId: APP_ID, engineWrites: new Map() });
    const got = grouped.deals.get("42")?.changes ?? [];
    expect(got.map((c) => [...c.values.entries()])).toEqual(changes);
    if (kinds !== undefined) expect(got.map((c) => c.kind)).toEqual(kinds);
  });
});

describe("echo recognition", () => {
  const at = event({}).occurredAt;
  const cases: Array<{ name: string; changeSource: string; sourceId: string; writes: Array<[string, number[]]>; echo: boolean }> = [
    { name: "our app id via INTEGRATION, matching a recorded write moments before", changeSource: "INTEGRATION", sourceId: APP_ID, writes: [["42|dealstage|presentationscheduled", [at - 500]]], echo: true },
    { name: "our app id via INTEGRATION, no recorded write: another script using our app, judged", changeSource: "INTEGRATION", sourceId: APP_ID, writes: [], echo: false },
    { name: "our app id, a recorded write of another value: judged", changeSource: "INTEGRATION", sourceId: APP_ID, writes: [["42|dealstage|closedwon", [at - 500]]], echo: false },
    { name: "our app id, the same value written hours earlier: judged", changeSource: "INTEGRATION", sourceId: APP_ID, writes: [["42|dealstage|presentationscheduled", [at - 3 * 3600_000]]], echo: false },
    { name: "another integration's write is a change like any other", changeSource: "INTEGRATION", sourceId: "1234", writes: [], echo: false },
    { name: "our app id from another source is not an echo", changeSource: "API", sourceId: APP_ID, writes: [["42|dealstage|presentationscheduled", [at]]], echo: false },
  ];
  it.each(cases)("$name", ({ changeSource, sourceId, writes, echo }) => {
    const grouped = groupDealEvents([event({ changeSource, sourceId })], { appId: APP_ID, engineWrites: new Map(writes) });
    expect(grouped.echoes.length).toBe(echo ? 1 : 0);
    expect(grouped.deals.has("42")).toBe(!echo);
  });
});

describe("the from-stage, located in the property history", () => {
  const set = compile(`
  - id: log-moves
    on: { stageChanged: true }
    assert: "false"
    actions: [log]`);
  const history: Array<[string, number]> = [["appointmentscheduled", NOW - 30 * S], ["qualifiedtobuy", NOW - 20 * S], ["presentationscheduled", NOW - 10 * S], ["qualifiedtobuy", NOW]];
  const cases: Array<{ name: string; value: string; at: number; history: Array<[string, number]>; state?: string; from: string | null }> = [
    { name: "the entry before the event's value", value: "presentationscheduled", at: NOW - 10 * S, history, from: "qualifiedtobuy" },
    { name: "out of order: an older event still gets its own predecessor", value: "qualifiedtobuy", at: NOW - 20 * S, history, from: "appointmentscheduled" },
    { name: "a stage entered twice: the entry closest to the event's time", value: "qualifiedtobuy", at: NOW, history, from: "presentationscheduled" },
    { name: "no history: the engine's last-known stage stands in", value: "contractsent", at: NOW, history: [], state: "qualifiedtobuy", from: "qualifiedtobuy" },
    { name: "no history and no state: unknown", value: "contractsent", at: NOW, history: [], from: null },
  ];
  it.each(cases)("$name", ({ value, at, history: h, state, from }) => {
    const deal = h.length > 0 ? dealRecord(h) : { ...dealRecord([[value, at]]), history: {} };
    const snapshot = snapshotOf({
      events: [event({ propertyValue: value, occurredAt: at })],
      deal,
      set,
      ...(state === undefined ? {} : { state: { dealId: "42", pipelineId: "default", stageId: state, ownerId: "201", properties: {}, stageEnteredAt: null, status: "active", observedAt: 0 } }),
    });
    const change = snapshot.live?.deals[0]?.built[0]?.change;
    expect(change?.toStage).toBe(value);
    expect(change?.fromStage).toBe(from);
  });
});

describe("evaluate", () => {
  const set = compile(`
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    actions: [log]`);
  const skip = () => event({ propertyValue: "decisionmakerboughtin", occurredAt: NOW - 10 * S });

  it("judges each change as it happened, with deterministic ids and a transition row", () => {
    const snapshot = snapshotOf({ events: [skip()], deal: dealRecord([["qualifiedtobuy", NOW - 20 * S], ["decisionmakerboughtin", NOW - 10 * S]]), set });
    const [first] = evaluateSnapshot(snapshot.live, { modeOverride: null });
    const [again] = evaluateSnapshot(snapshot.live, { modeOverride: null });
    expect(first?.detected.map((d) => [d.violation.ruleId, d.mode, d.built.change.fromStage])).toEqual([["no-skip", "enforce", "qualifiedtobuy"]]);
    expect(first?.detected[0]?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(again?.detected[0]?.id).toBe(first?.detected[0]?.id);
    expect(first?.transitions.map((t) => [t.fromStage, t.toStage, t.violationCount, t.timeInFromMs])).toEqual([["qualifiedtobuy", "decisionmakerboughtin", 1, 10 * S]]);
    expect(first?.resolutions).toEqual([]);
  });

  const resolutionCases = [
    { name: "a later change in the batch moves it back: resolved by that user", later: true, currentStage: "qualifiedtobuy", by: "userId:101" },
    { name: "the deal as it is now already complies: resolved as current-state", later: false, currentStage: "qualifiedtobuy", by: "current-state" },
    { name: "still in the skipped-to stage: stays open", later: false, currentStage: "decisionmakerboughtin", by: null },
  ];
  it.each(resolutionCases)("resolutions — $name", ({ later, currentStage, by }) => {
    const events = [skip(), ...(later ? [event({ propertyValue: "presentationscheduled", occurredAt: NOW - 5 * S })] : [])];
    const h: Array<[string, number]> = [["qualifiedtobuy", NOW - 70 * S], ["decisionmakerboughtin", NOW - 10 * S], ...(later ? [["presentationscheduled", NOW - 5 * S] as [string, number]] : [])];
    const deal = dealRecord(h, { dealstage: currentStage });
    const open = [{ id: "stored-1", policyId: "test-policy", ruleId: "no-skip", toStage: "decisionmakerboughtin", fromStage: "qualifiedtobuy", fromPipelineId: null, occurredAt: NOW - 60 * S }];
    const [evaluation] = evaluateSnapshot(snapshotOf({ events, deal, set, open }).live, { modeOverride: null });
    const resolved = evaluation?.resolutions.filter((r) => r.id === "stored-1") ?? [];
    expect(resolved.map((r) => r.resolvedBy)).toEqual(by === null ? [] : [by]);
  });

  it("POLICY_MODE_OVERRIDE switches the verdict's mode", () => {
    const snapshot = snapshotOf({ events: [skip()], deal: dealRecord([["qualifiedtobuy", NOW - 20 * S], ["decisionmakerboughtin", NOW - 10 * S]]), set });
    expect(evaluateSnapshot(snapshot.live, { modeOverride: "audit" })[0]?.detected[0]?.mode).toBe("audit");
  });
});
