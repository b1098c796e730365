// A DAILY 429 waits for midnight in the portal's time zone — HubSpot's daily limit "resets at midnight based on the
// time zone setting of the HubSpot account" (developers.hubspot.com/apisbytier) — not for UTC midnight.
import { describe, expect, it } from "vitest";
import type { HubSpotError } from "./errors";
import { MAX_QUEUE_DELAY_SECONDS, retryDelaySeconds } from "./rate-limit";

const daily: HubSpotError = { kind: "rate-limited", policy: "DAILY", status: 429, message: "You have reached your daily limit.", headers: {} };
const at = (iso: string) => Date.parse(iso);

describe("retryDelaySeconds after a DAILY 429", () => {
  it.each([
    // 23:30 in Los Angeles (07:30 UTC): its midnight is half an hour away; UTC's is 16.5 h away.
    ["Los Angeles, half an hour before its midnight", "2026-12-01T07:30:00Z", "America/Los_Angeles", 30 * 60 + 60],
    // 23:00 in Auckland (10:00 UTC): an hour away.
    ["Auckland, an hour before its midnight", "2026-12-01T10:00:00Z", "Pacific/Auckland", 3600 + 60],
    // Just after Auckland's midnight: a full day away, capped at the queue's longest delay (then the budget waits on).
    ["Auckland, just after its midnight", "2026-12-01T11:00:30Z", "Pacific/Auckland", MAX_QUEUE_DELAY_SECONDS],
    // 23:00 PST on the night before DST starts: the next midnight is an hour away, DST or not.
    ["Los Angeles, the night before DST starts", "2026-03-08T07:00:00Z", "America/Los_Angeles", 3600 + 60],
    // The 23-hour day: 22:00 PDT on Mar 8 is two hours before its midnight.
    ["Los Angeles, late on the 23-hour day", "2026-03-09T05:00:00Z", "America/Los_Angeles", 2 * 3600 + 60],
    ["UTC, the stated fallback", "2026-11-22T15:00:00Z", "UTC", 9 * 3600 + 60],
  ])("%s", (_name, now, zone, expected) => {
    expect(retryDelaySeconds(daily, 1, at(now), zone)).toBe(expected);
  });
  it("is UTC when no zone is given", () => {
    expect(retryDelaySeconds(daily, 1, at("2026-11-22T15:00:00Z"))).toBe(9 * 3600 + 60);
  });
});
