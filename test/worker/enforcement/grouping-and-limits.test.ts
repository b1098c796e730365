// Pure pieces of enforcement: grouping (a pipeline switch is one move, echoes are set aside, merges and deletions
// are folded in) and reading HubSpot's limits into a retry delay.
import { describe, expect, it } from "vitest";
import type { HubSpotEvent } from "../../../src/hubspot/events";
import { retryDelaySeconds } from "../../../src/hubspot/rate-limit";
import { groupDealEvents, isDeletedAtEnd } from "../../../src/enforcement/group-events";

let seq = 0;
function event(overrides: Partial<HubSpotEvent>): HubSpotEvent {
  return {
    eventId: String(++seq), subscriptionId: "1", portalId: "1", appId: "9", occurredAt: 1_000, subscriptionType: "deal.propertyChange",
    attemptNumber: 0, objectId: "42", objectTypeId: "0-3", propertyName: "dealstage", propertyValue: "x", changeSource: "CRM_UI",
    sourceId: "userId:7", changeFlag: null, primaryObjectId: null, mergedObjectIds: [], newObjectId: null, associationType: null,
    fromObjectId: null, toObjectId: null, associationRemoved: null, ...overrides,
  };
}

describe("groupDealEvents", () => {
  it("folds a pipeline switch (pipeline + dealstage events) into one move, in time order", () => {
    const grouped = groupDealEvents(
      [
        event({ occurredAt: 5_000, propertyName: "amount", propertyValue: "10" }),
        event({ occurredAt: 2_000, propertyName: "dealstage", propertyValue: "s2" }),
        event({ occurredAt: 2_300, propertyName: "pipeline", propertyValue: "p2" }),
      ],
      { appId: "9", engineWrites: new Map() },
    );
    const changes = grouped.deals.get("42")?.changes ?? [];
    expect(changes.map((c) => [...c.values.entries()])).toEqual([[["dealstage", "s2"], ["pipeline", "p2"]], [["amount", "10"]]]);
  });

  it("sets aside only the echoes of recorded engine writes", () => {
    const grouped = groupDealEvents(
      [
        event({ changeSource: "INTEGRATION", sourceId: "9", propertyValue: "back" }),
        event({ changeSource: "INTEGRATION", sourceId: "9", objectId: "43", propertyValue: "other" }),
        event({ changeSource: "INTEGRATION", sourceId: "1234", objectId: "44" }),
      ],
      { appId: "9", engineWrites: new Map([["42|dealstage|back", [900]]]) },
    );
    // 43 carries our app id but the engine never wrote it: another script using the app, judged like anyone.
    expect(grouped.echoes.map((e) => e.event.objectId)).toEqual(["42"]);
    expect([...grouped.deals.keys()].sort()).toEqual(["43", "44"]);
  });

  it("records merged-away deals and deletions that stand at the end of the batch", () => {
    const grouped = groupDealEvents(
      [
        event({ subscriptionType: "deal.merge", objectId: "50", primaryObjectId: "50", mergedObjectIds: ["50", "51"], occurredAt: 1 }),
        event({ subscriptionType: "deal.deletion", objectId: "60", occurredAt: 2, propertyName: null }),
        event({ subscriptionType: "deal.deletion", objectId: "61", occurredAt: 2, propertyName: null }),
        event({ subscriptionType: "deal.restore", objectId: "61", occurredAt: 3, propertyName: null }),
      ],
      { appId: "9", engineWrites: new Map() },
    );
    expect(grouped.mergedAway.map((m) => [m.dealId, m.into])).toEqual([["51", "50"]]);
    expect(grouped.deals.get("50")?.changes[0]?.merged).toBe(true);
    const deleted = grouped.deals.get("60");
    const restored = grouped.deals.get("61");
    expect(deleted !== undefined && isDeletedAtEnd(deleted)).toBe(true);
    expect(restored !== undefined && isDeletedAtEnd(restored)).toBe(false);
  });
});

describe("retryDelaySeconds", () => {
  const now = Date.UTC(2026, 10, 22, 15, 0, 0);
  it("waits one rolling window after a ten-secondly 429, from the headers", () => {
    const delay = retryDelaySeconds(
      { kind: "rate-limited", policy: "TEN_SECONDLY_ROLLING", status: 429, message: "", headers: { "x-hubspot-ratelimit-interval-milliseconds": "10000" } },
      1,
      now,
    );
    expect(delay).toBeGreaterThanOrEqual(10);
    expect(delay).toBeLessThan(13);
  });
  it("waits until after midnight after a DAILY 429", () => {
    const delay = retryDelaySeconds({ kind: "rate-limited", policy: "DAILY", status: 429, message: "", headers: {} }, 1, now);
    expect(delay).toBe(9 * 3600 + 60);
  });
  it("does not retry answers about the request itself", () => {
    expect(retryDelaySeconds({ kind: "validation", status: 400, category: "VALIDATION_ERROR", message: "" }, 1, now)).toBeNull();
    expect(retryDelaySeconds({ kind: "not-found", status: 404, message: "" }, 1, now)).toBeNull();
  });
});
