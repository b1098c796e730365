import { describe, expect, it } from "vitest";
import { isDealEvent, normaliseEvent, parseDelivery } from "./events";

const base = {
  eventId: 1,
  subscriptionId: 2,
  portalId: 62515,
  appId: 9393361,
  occurredAt: 1_700_000_000_000,
  subscriptionType: "deal.propertyChange",
  attemptNumber: 0,
  objectId: 9001,
  propertyName: "amount",
  propertyValue: "100",
};

describe("parseDelivery", () => {
  it("accepts an array of events and keeps unknown fields", () => {
    const result = parseDelivery([{ ...base, somethingNew: { a: 1 } }]);
    expect(result).toMatchObject({ ok: true, events: [{ somethingNew: { a: 1 } }] });
  });
  it("refuses a non-array naming the body", () => {
    expect(parseDelivery({})).toMatchObject({ ok: false, field: "(body)" });
  });
  it("names the first wrong field", () => {
    expect(parseDelivery([base, { ...base, occurredAt: "yesterday" }])).toMatchObject({ ok: false, field: "[1].occurredAt" });
    expect(parseDelivery([{ ...base, mergedObjectIds: [1, "x"] }])).toMatchObject({ ok: false, field: "[0].mergedObjectIds[1]" });
  });
  it("requires propertyName on deal property changes, in either spelling", () => {
    const { propertyName: _p, ...noName } = base;
    expect(parseDelivery([noName])).toMatchObject({ ok: false, field: "[0].propertyName" });
    expect(parseDelivery([{ ...noName, subscriptionType: "object.propertyChange", objectTypeId: "0-3" }])).toMatchObject({ ok: false });
  });
});

describe("normaliseEvent", () => {
  it("turns object.* with objectTypeId 0-3 into deal.*", () => {
    for (const action of ["creation", "deletion", "propertyChange", "associationChange", "merge", "restore"]) {
      const event = normaliseEvent({ ...base, subscriptionType: `object.${action}`, objectTypeId: "0-3" });
      expect(event.subscriptionType).toBe(`deal.${action}`);
      expect(isDealEvent(event)).toBe(true);
    }
  });
  it("leaves other objects alone and not deal events", () => {
    const contact = normaliseEvent({ ...base, subscriptionType: "object.creation", objectTypeId: "0-1" });
    expect(contact.subscriptionType).toBe("object.creation");
    expect(isDealEvent(contact)).toBe(false);
    expect(isDealEvent(normaliseEvent({ ...base, subscriptionType: "contact.creation" }))).toBe(false);
  });
  it("stringifies ids and values, and fills absent optionals with null", () => {
    const event = normaliseEvent({ ...base, propertyValue: 100, mergedObjectIds: [1, 2], newObjectId: 3 });
    expect(event).toMatchObject({ objectId: "9001", portalId: "62515", propertyValue: "100", objectTypeId: "0-3", mergedObjectIds: ["1", "2"], newObjectId: "3", changeSource: null });
  });
});
