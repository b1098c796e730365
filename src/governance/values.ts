// The governance values of one deal, computed from what the engine recorded (pure: facts and `now` in, values out),
// compared with the values last written so HubSpot is only written when something changed.

export type GovernanceStatus = "compliant" | "open_violation" | "reverted" | "exception";

export interface GovernanceValues {
  status: GovernanceStatus;
  openViolations: number;
  /** The open violations' messages, one per line, deduplicated, in the order they happened. */
  openRules: string;
  /** Epoch ms of the deal's latest violation; null when it never had one. */
  lastViolationAt: number | null;
  /** Epoch ms the engine last confirmed these values. */
  lastCheckedAt: number;
}

/** What the engine knows of a deal's governance after a run. */
export interface GovernanceFacts {
  open: Array<{ id: string; message: string; occurredAt: number }>;
  /** Latest violation of the deal, open or resolved. */
  latest: { id: string; occurredAt: number; resolvedBy: string | null } | null;
  /** The deal's latest change was let through by a policy exception. */
  excepted: boolean;
}

/** The check time is rewritten with any other change, or on its own once it is older than this. */
export const CHECK_REFRESH_MS = 24 * 3600_000;
/** HubSpot's single-line text holds far more, but a board card or a list column shows only the start. */
const OPEN_RULES_MAX = 1000;

export function computeGovernanceValues(facts: GovernanceFacts, now: number): GovernanceValues {
  const open = [...facts.open].sort((a, b) => a.occurredAt - b.occurredAt);
  const messages = [...new Set(open.map((v) => v.message.trim()).filter((m) => m !== ""))];
  let openRules = messages.join("\n");
  if (openRules.length > OPEN_RULES_MAX) openRules = `${openRules.slice(0, OPEN_RULES_MAX - 1)}…`;
  const lastViolationAt = Math.max(facts.latest?.occurredAt ?? -Infinity, ...open.map((v) => v.occurredAt));
  return {
    status: statusOf(facts, open.length),
    openViolations: open.length,
    openRules,
    lastViolationAt: Number.isFinite(lastViolationAt) ? lastViolationAt : null,
    lastCheckedAt: now,
  };
}

function statusOf(facts: GovernanceFacts, open: number): GovernanceStatus {
  if (open > 0) return "open_violation";
  if (facts.latest?.resolvedBy === "engine:revert") return "reverted";
  if (facts.excepted) return "exception";
  return "compliant";
}

/**
 * True when a value a manager filters on changed: status, count, rules, last violation. A first "compliant" on a deal
 * that never broke a rule, or a refreshed check time, is not essential: written only alongside an essential write
 * (the batch call is made anyway) or by the background repair, never at the cost of a call of its own.
 */
export function governanceEssential(written: GovernanceValues | undefined, next: GovernanceValues): boolean {
  if (written === undefined) return next.status !== "compliant" || next.lastViolationAt !== null;
  return written.status !== next.status || written.openViolations !== next.openViolations || written.openRules !== next.openRules || written.lastViolationAt !== next.lastViolationAt;
}

/** True when `next` must be written over `written` (never written, a value changed, or the check is stale). */
export function governanceChanged(written: GovernanceValues | undefined, next: GovernanceValues): boolean {
  if (written === undefined) return true;
  if (written.status !== next.status || written.openViolations !== next.openViolations) return true;
  if (written.openRules !== next.openRules || written.lastViolationAt !== next.lastViolationAt) return true;
  return next.lastCheckedAt - written.lastCheckedAt >= CHECK_REFRESH_MS;
}

/** The values as HubSpot property strings (datetimes as ISO 8601; an empty string clears a value). */
export function toHubSpotProperties(v: GovernanceValues): Record<string, string> {
  return {
    governance_status: v.status,
    governance_open_violations: String(v.openViolations),
    governance_open_rules: v.openRules,
    governance_last_violation_at: v.lastViolationAt === null ? "" : new Date(v.lastViolationAt).toISOString(),
    governance_last_checked_at: new Date(v.lastCheckedAt).toISOString(),
  };
}

/** Does a value HubSpot holds equal the one the engine wants? Datetimes compare as instants, numbers as numbers. */
export function sameGovernanceValue(name: string, found: string | null | undefined, wanted: string | null | undefined): boolean {
  const a = found ?? "";
  const b = wanted ?? "";
  if (a === b) return true;
  if (a === "" || b === "") return false;
  if (name.endsWith("_at")) {
    const ms = (s: string) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s));
    return ms(a) === ms(b);
  }
  if (name === "governance_open_violations") return Number(a) === Number(b);
  return false;
}
