// Days in the portal's time zone: where a day starts, the next midnight, business days — at day boundaries and DST
// changes west (Los Angeles) and east (Auckland) of UTC, and where midnight itself is skipped (Santiago).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addBusinessDays } from "./business-days";
import { evaluateChange, loadPolicySet } from "./index";
import { makeChange, policyFile, TEST_PORTAL } from "./test-portal";
import { isKnownTimeZone, nextZonedMidnight, startOfZonedDay, usableTimeZone, zonedInstant, zonedParts } from "./zoned-time";

const LA = "America/Los_Angeles";
const AKL = "Pacific/Auckland";
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("startOfZonedDay", () => {
  it.each([
    ["LA, one minute before its midnight (already Dec 1 in UTC)", LA, "2026-12-01T07:59:00Z", "2026-11-30T08:00:00.000Z"],
    ["LA, at its midnight", LA, "2026-12-01T08:00:00Z", "2026-12-01T08:00:00.000Z"],
    ["LA, the day DST starts (23 h)", LA, "2026-03-08T12:00:00Z", "2026-03-08T08:00:00.000Z"],
    ["LA, the day DST ends (25 h)", LA, "2026-11-01T20:00:00Z", "2026-11-01T07:00:00.000Z"],
    ["Auckland, one minute before its midnight (still Dec 1 in UTC)", AKL, "2026-12-01T10:59:00Z", "2026-11-30T11:00:00.000Z"],
    ["Auckland, at its midnight", AKL, "2026-12-01T11:00:00Z", "2026-12-01T11:00:00.000Z"],
    ["Auckland, the day DST ends", AKL, "2026-04-05T10:00:00Z", "2026-04-04T11:00:00.000Z"],
    ["Auckland, the day DST starts", AKL, "2026-09-27T10:00:00Z", "2026-09-26T12:00:00.000Z"],
    ["Santiago, where DST skips midnight: the day starts at 01:00", "America/Santiago", "2026-09-06T15:00:00Z", "2026-09-06T04:00:00.000Z"],
    ["UTC", "UTC", "2026-12-01T23:59:59Z", "2026-12-01T00:00:00.000Z"],
  ])("%s", (_name, zone, now, expected) => {
    expect(iso(startOfZonedDay(at(now), zone))).toBe(expected);
  });
});

describe("nextZonedMidnight", () => {
  it.each([
    ["LA, the evening before DST starts", LA, "2026-03-07T20:00:00Z", "2026-03-08T08:00:00.000Z"],
    ["LA, the 23-hour day", LA, "2026-03-08T12:00:00Z", "2026-03-09T07:00:00.000Z"],
    ["Auckland, the 25-hour day", AKL, "2026-04-04T12:00:00Z", "2026-04-05T12:00:00.000Z"],
    ["Santiago, the night midnight is skipped", "America/Santiago", "2026-09-05T15:00:00Z", "2026-09-06T04:00:00.000Z"],
  ])("%s", (_name, zone, now, expected) => {
    expect(iso(nextZonedMidnight(at(now), zone))).toBe(expected);
  });
});

describe("zonedInstant", () => {
  it("moves a wall time skipped by DST past the gap, and takes the first of a repeated one", () => {
    expect(iso(zonedInstant({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0, millisecond: 0 }, LA))).toBe("2026-03-08T10:30:00.000Z");
    expect(iso(zonedInstant({ year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0, millisecond: 0 }, LA))).toBe("2026-11-01T08:30:00.000Z");
  });
});

describe("addBusinessDays in the portal's zone", () => {
  it.each([
    // Friday 17:00 in LA is Saturday in UTC: UTC would skip to Monday 01:00 UTC, which is Sunday evening in LA.
    ["LA Friday evening", LA, "2026-12-05T01:00:00Z", 1, "2026-12-08T01:00:00.000Z"],
    // Friday 09:00 in Auckland is Thursday in UTC: UTC would make it due Saturday morning in Auckland.
    ["Auckland Friday morning", AKL, "2026-12-03T20:00:00Z", 1, "2026-12-06T20:00:00.000Z"],
    ["LA over the DST start: same wall time, an hour less", LA, "2026-03-06T17:00:00Z", 1, "2026-03-09T16:00:00.000Z"],
    ["Auckland over the DST end: same wall time, an hour more", AKL, "2026-04-02T20:00:00Z", 1, "2026-04-05T21:00:00.000Z"],
    ["UTC keeps its old behaviour", "UTC", "2026-06-05T09:00:00Z", 5, "2026-06-12T09:00:00.000Z"],
    ["0 days is the moment itself", AKL, "2026-12-05T01:23:45Z", 0, "2026-12-05T01:23:45.000Z"],
  ])("%s", (_name, zone, from, days, expected) => {
    expect(iso(addBusinessDays(at(from), days, zone))).toBe(expected);
  });
  it("the default zone is UTC", () => {
    expect(addBusinessDays(at("2026-12-05T01:00:00Z"), 1)).toBe(addBusinessDays(at("2026-12-05T01:00:00Z"), 1, "UTC"));
  });
});

describe("zones", () => {
  it("knows IANA names and HubSpot's legacy ones; anything else falls back to UTC", () => {
    expect(isKnownTimeZone("US/Eastern")).toBe(true);
    expect(isKnownTimeZone(AKL)).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus")).toBe(false);
    expect(isKnownTimeZone("")).toBe(false);
    expect(usableTimeZone("Mars/Olympus")).toBe("UTC");
    expect(usableTimeZone(undefined)).toBe("UTC");
    expect(usableTimeZone(LA)).toBe(LA);
  });

  it("a day starts at a local midnight (or the first instant after a skipped one) and holds every instant of it", () => {
    const zones = ["UTC", LA, AKL, "US/Eastern", "Europe/Berlin", "Asia/Kolkata", "America/Santiago", "Australia/Lord_Howe"];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }), (zone, t) => {
        const start = startOfZonedDay(t, zone);
        const next = nextZonedMidnight(t, zone);
        expect(start).toBeLessThanOrEqual(t);
        expect(next).toBeGreaterThan(t);
        const day = zonedParts(t, zone);
        const first = zonedParts(start, zone);
        expect([first.year, first.month, first.day]).toEqual([day.year, day.month, day.day]);
        // The instant before the start belongs to the previous day.
        const before = zonedParts(start - 1, zone);
        expect(Date.UTC(before.year, before.month - 1, before.day)).toBeLessThan(Date.UTC(day.year, day.month - 1, day.day));
        expect(next - start).toBeGreaterThanOrEqual(22 * 3600_000);
        expect(next - start).toBeLessThanOrEqual(26 * 3600_000);
      }),
      { numRuns: 300 },
    );
  });
});

describe("startOfDay(now) in a policy follows the portal's zone", () => {
  const rule = `
  - id: close-date-not-in-past
    on: { propertyChanged: closedate }
    assert: new.closedate >= startOfDay(now)`;
  const judge = (zone: string | undefined, now: string, closedate: string) => {
    const loaded = loadPolicySet([policyFile(rule)], zone === undefined ? TEST_PORTAL : { ...TEST_PORTAL, timeZone: zone });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const change = makeChange({ changedProperties: ["closedate"], fromStage: null, new: { ...makeChange().new, closedate: String(at(closedate)) } });
    return evaluateChange(loaded.value, change, { now: at(now) }).violations.length === 0 ? "today or later" : "in the past";
  };
  it.each([
    // 23:30 on Nov 30 in Los Angeles, already Dec 1 in UTC: a close date of Nov 30 (LA) is today there.
    ["America/Los_Angeles", "2026-12-01T07:30:00Z", "2026-11-30T18:00:00Z", "today or later"],
    [undefined, "2026-12-01T07:30:00Z", "2026-11-30T18:00:00Z", "in the past"],
    // 01:00 on Dec 1 in Auckland, still Nov 30 in UTC: a close date of Nov 30 (Auckland, 22:00) has passed there.
    ["Pacific/Auckland", "2026-11-30T12:00:00Z", "2026-11-30T09:00:00Z", "in the past"],
    [undefined, "2026-11-30T12:00:00Z", "2026-11-30T09:00:00Z", "today or later"],
    // An unknown zone is UTC, as stated.
    ["Mars/Olympus", "2026-11-30T12:00:00Z", "2026-11-30T09:00:00Z", "today or later"],
  ])("zone %s, now %s, close date %s → %s", (zone, now, closedate, expected) => {
    expect(judge(zone, now, closedate)).toBe(expected);
  });
});

describe("an exception's expiry date runs to the end of that day in the portal's zone", () => {
  const rules = `
  - id: needs-next-step
    on: { stageEntered: Presentation Scheduled }
    require: [hs_next_step]
    exceptions:
      - users: ["userId:101"]
        reason: Quarter-end push
        expires: 2026-12-31`;
  const excepted = (zone: string | undefined, now: string) => {
    const loaded = loadPolicySet([policyFile(rules)], zone === undefined ? TEST_PORTAL : { ...TEST_PORTAL, timeZone: zone });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    return evaluateChange(loaded.value, makeChange(), { now: at(now) }).violations.length === 0;
  };
  it.each([
    [LA, "2027-01-01T07:59:00Z", true], // 23:59 on Dec 31 in Los Angeles
    [LA, "2027-01-01T08:00:00Z", false],
    [AKL, "2026-12-31T10:59:00Z", true], // 23:59 on Dec 31 in Auckland
    [AKL, "2026-12-31T11:00:00Z", false],
    [undefined, "2026-12-31T23:59:00Z", true],
    [undefined, "2027-01-01T00:00:00Z", false],
  ])("zone %s at %s → excepted %s", (zone, now, expected) => {
    expect(excepted(zone, now)).toBe(expected);
  });
});
