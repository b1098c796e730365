// Property history → DealRecord: HubSpot lists history newest first; entries sharing a millisecond must come out
// in the order they happened (the stage a deal came from is the entry before the event's value).
import { describe, expect, it } from "vitest";
import { toDealRecord } from "./deals";

const entry = (value: string, timestamp: string, sourceId?: string) => ({ value, timestamp, sourceType: "CRM_UI", ...(sourceId ? { sourceId } : {}) });

describe("toDealRecord", () => {
  it("orders history oldest first, keeping same-millisecond entries chronological (reverse of the newest-first listing)", () => {
    // As HubSpot lists it: newest first. "b" and "a" share a millisecond; "a" was set first (it is listed after "b").
    const record = toDealRecord({
      id: "17",
      properties: { dealstage: "c" },
      propertiesWithHistory: {
        dealstage: [entry("c", "2026-01-01T00:00:02.000Z"), entry("b", "2026-01-01T00:00:01.000Z"), entry("a", "2026-01-01T00:00:01.000Z")],
      },
      updatedAt: "2026-01-01T00:00:02.000Z",
    });
    expect(record.history.dealstage?.map((e) => e.value)).toEqual(["a", "b", "c"]);
    expect(record.history.dealstage?.map((e) => e.timestamp)).toEqual([
      Date.parse("2026-01-01T00:00:01.000Z"),
      Date.parse("2026-01-01T00:00:01.000Z"),
      Date.parse("2026-01-01T00:00:02.000Z"),
    ]);
    expect(record.updatedAt).toBe(Date.parse("2026-01-01T00:00:02.000Z"));
  });

  it("sorts by timestamp when the listing is not newest first", () => {
    const record = toDealRecord({
      id: "18",
      properties: {},
      propertiesWithHistory: { amount: [entry("2", "2026-01-01T00:00:02.000Z"), entry("1", "2026-01-01T00:00:01.000Z"), entry("3", "2026-01-01T00:00:03.000Z", "userId:9")] },
    });
    expect(record.history.amount?.map((e) => [e.value, e.sourceId])).toEqual([
      ["1", null],
      ["2", null],
      ["3", "userId:9"],
    ]);
  });
});
