// Days in stage: how long a deal has sat in its current stage, the value stale-deal rules read (`deal.daysInStage`).
import type { DealChange } from "./types";

const DAY_MS = 86_400_000;

/**
 * Calendar days (fractional, never negative) the deal has been in its current stage at `now`; null when the stage's
 * entry time is unknown. Calendar, not business, days: HubSpot's own "time in stage" counts elapsed time.
 */
export function daysInStage(change: Pick<DealChange, "stageEnteredAt">, now: number): number | null {
  const at = change.stageEnteredAt;
  if (typeof at !== "number" || !Number.isFinite(at) || !Number.isFinite(now)) return null;
  return Math.max(0, now - at) / DAY_MS;
}
