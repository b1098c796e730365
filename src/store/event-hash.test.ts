import { describe, expect, it } from "vitest";
import { canonicalJson, hashEvent } from "./event-hash";

describe("hashEvent", () => {
  const e = { eventId: 1, portalId: 2, subscriptionType: "deal.creation", attemptNumber: 0, nested: { b: 1, a: [1, { d: 2, c: 3 }] } };
  it("ignores attemptNumber and key order", () => {
    const reordered = { nested: { a: [1, { c: 3, d: 2 }], b: 1 }, attemptNumber: 7, subscriptionType: "deal.creation", portalId: 2, eventId: 1 };
    expect(hashEvent(reordered)).toBe(hashEvent(e));
  });
  it("changes with any content change", () => {
    expect(hashEvent({ ...e, portalId: 3 })).not.toBe(hashEvent(e));
  });
  it("canonical JSON sorts keys at every level", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
});
