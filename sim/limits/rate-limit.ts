// A private app's API limits: a rolling ten-second window, a daily cap and a separate per-second search limit.
// Answers are HubSpot's 429 body and X-HubSpot-RateLimit-* headers. Only CRM requests count, never the control API.
import type { LimitsConfig } from "../portal/config";

export type LimitDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; headers: Record<string, string>; policyName: "TEN_SECONDLY_ROLLING" | "DAILY" | "SECONDLY"; message: string };

export class RateLimiter {
  private window: number[] = [];
  private searchWindow: number[] = [];
  private dailyCount = 0;
  private day = "";

  /** `timeZone`: the account's; HubSpot's daily limit "resets at midnight based on the time zone setting of the HubSpot
   * account" (developers.hubspot.com/apisbytier). */
  constructor(private readonly config: () => LimitsConfig, private readonly now: () => number, private readonly timeZone: () => string = () => "UTC") {}

  /** Counts the request if allowed. Never throws. */
  check(isSearch: boolean): LimitDecision {
    const cfg = this.config();
    const now = this.now();
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: this.timeZone(), year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
    if (today !== this.day) {
      this.day = today;
      this.dailyCount = 0;
    }
    this.window = this.window.filter((t) => t > now - cfg.intervalMs);
    this.searchWindow = this.searchWindow.filter((t) => t > now - 1000);
    if (cfg.enabled) {
      if (this.dailyCount >= cfg.dailyMax) {
        return { ok: false, headers: this.headers(cfg), policyName: "DAILY", message: "You have reached your daily limit." };
      }
      if (this.window.length >= cfg.tenSecondlyMax) {
        return { ok: false, headers: this.headers(cfg), policyName: "TEN_SECONDLY_ROLLING", message: "You have reached your ten_secondly_rolling limit." };
      }
      if (isSearch && this.searchWindow.length >= cfg.searchPerSecond) {
        // HubSpot's search endpoints have their own per-second policy; the body names it SECONDLY.
        return { ok: false, headers: this.headers(cfg), policyName: "SECONDLY", message: "You have reached your secondly limit." };
      }
    }
    this.window.push(now);
    this.dailyCount += 1;
    if (isSearch) this.searchWindow.push(now);
    return { ok: true, headers: this.headers(cfg) };
  }

  reset(): void {
    this.window = [];
    this.searchWindow = [];
    this.dailyCount = 0;
  }

  private headers(cfg: LimitsConfig): Record<string, string> {
    return {
      "X-HubSpot-RateLimit-Max": String(cfg.tenSecondlyMax),
      "X-HubSpot-RateLimit-Remaining": String(Math.max(0, cfg.tenSecondlyMax - this.window.length)),
      "X-HubSpot-RateLimit-Interval-Milliseconds": String(cfg.intervalMs),
      "X-HubSpot-RateLimit-Daily": String(cfg.dailyMax),
      "X-HubSpot-RateLimit-Daily-Remaining": String(Math.max(0, cfg.dailyMax - this.dailyCount)),
    };
  }
}
