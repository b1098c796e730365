// GET /account-info/v3/details: the portal's id, time zone and currency — the time zone business days, "today" and the
// daily rate-limit reset follow (HubSpot: "The daily limits reset at midnight based on the time zone setting of the
// HubSpot account", developers.hubspot.com/apisbytier).
import { Hono } from "hono";
import { DEFAULT_TIME_ZONE } from "../portal/config";
import type { CrmEnv } from "./context";

/** Minutes east of UTC of `timeZone` at `at` (negative west of UTC). */
export function utcOffsetMinutes(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((local - Math.floor(at / 1000) * 1000) / 60_000);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export { DEFAULT_TIME_ZONE };

export function accountInfoRoutes(): Hono<CrmEnv> {
  const app = new Hono<CrmEnv>();
  app.get("/details", (c) => {
    const portal = c.get("portal");
    const timeZone = portal.identity.timeZone ?? DEFAULT_TIME_ZONE;
    const offset = utcOffsetMinutes(timeZone, portal.now());
    return c.json({
      portalId: portal.identity.portalId,
      accountType: "STANDARD",
      timeZone,
      companyCurrency: "USD",
      additionalCurrencies: [],
      utcOffset: formatOffset(offset),
      utcOffsetMilliseconds: offset * 60_000,
      uiDomain: "app.hubspot.com",
      dataHostingLocation: "na1",
    });
  });
  return app;
}
