// Display helpers for the dashboard: durations, shares, dates (UTC), who made a change, and links to HubSpot records.
import { describeMissing, normalizeChangeSource, type ChangeSourceKind } from "../../policy/index";
import type { DisplayNames } from "../../store/display-names";

/** "3 d 4 h", "45 min", "—" for null. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60 ? `${minutes % 60} min` : ""}`.trim();
  const days = Math.floor(hours / 24);
  return `${days} d ${hours % 24 ? `${hours % 24} h` : ""}`.trim();
}

export function formatShare(share: number | null): string {
  return share === null ? "—" : `${Math.round(share * 1000) / 10}%`;
}

/** "2026-11-20 14:03 UTC" */
export function formatTime(iso: string | null): string {
  return iso === null ? "—" : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function formatDate(iso: string): string {
  return iso.slice(0, 10);
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Link to a deal in HubSpot. HUBSPOT_PORTAL_UI_URL may be a base (https://app-eu1.hubspot.com) or a template
 * with {portalId} and {dealId}; default https://app.hubspot.com/contacts/{portalId}/record/0-3/{dealId}.
 */
export function buildDealUrl(uiBase: string | undefined, portalId: number, dealId: string): string {
  const base = uiBase && uiBase.trim() !== "" ? uiBase.trim() : "https://app.hubspot.com";
  if (base.includes("{dealId}")) {
    return base.replace("{portalId}", encodeURIComponent(String(portalId))).replace("{dealId}", encodeURIComponent(dealId));
  }
  return `${base.replace(/\/+$/, "")}/contacts/${encodeURIComponent(String(portalId))}/record/0-3/${encodeURIComponent(dealId)}`;
}

/** A query string from a record, dropping empty values. */
export function toQueryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : "";
}

const SOURCE_WORDS: Record<ChangeSourceKind, string> = {
  ui: "someone in HubSpot",
  bulk: "a bulk edit",
  import: "an import",
  workflow: "a workflow",
  integration: "an integration",
  api: "an API call",
  internal: "HubSpot itself",
  other: "an unknown source",
};

/**
 * Who made a change, in words: the acting user's name from the owners cache, else the kind of change
 * ("a workflow", "an import", "the scheduled scan"), else "HubSpot user 123" as a last resort.
 */
export function actorName(names: Pick<DisplayNames, "users">, userId: string | null, changeSource: string | null): string {
  if (userId !== null && names.users.has(userId)) return names.users.get(userId) ?? userId;
  if (userId !== null) return `HubSpot user ${userId}`;
  // Findings of the scheduled rule scan: nobody changed anything, the deal was found standing still.
  if (changeSource === "SCAN") return "the scheduled scan";
  return SOURCE_WORDS[normalizeChangeSource(changeSource ?? "")];
}

/** What a rep or manager reads for a `missing` list: the portal's labels. */
export function describeMissingWith(labels: Map<string, string>, missing: readonly string[]): string {
  return describeMissing(missing, (name) => labels.get(name));
}

/**
 * How a violation was closed, in words. Reverts are the engine's doing, not a fix by a person, and merges close a
 * violation without anyone fixing it: the three are told apart here as they are counted apart.
 */
export function describeResolution(names: Pick<DisplayNames, "users">, resolvedBy: string | null): { kind: "engine" | "person" | "merge"; who: string } {
  if (resolvedBy === null) return { kind: "person", who: "someone in HubSpot" };
  if (resolvedBy.startsWith("engine:")) return { kind: "engine", who: "the engine" };
  if (resolvedBy.startsWith("merged:")) return { kind: "merge", who: `a merge into deal ${resolvedBy.slice("merged:".length)}` };
  if (resolvedBy.startsWith("userId:")) return { kind: "person", who: actorName(names, resolvedBy.slice("userId:".length), null) };
  return { kind: "person", who: actorName(names, null, resolvedBy) };
}
