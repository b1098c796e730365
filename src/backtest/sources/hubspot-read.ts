// Reads what a back-test from HubSpot needs, within HubSpot's limits: the deals modified since the window began
// (search, 200 a page), each read once with the history of every property the sets read (batch reads of ≤50 — the
// limit with history), and the current counts of the associations HubSpot keeps no history of (v4, ≤1000 a call).
// The client it is given carries the rate budget; the caller caches the answer. I/O only, decides nothing.
import { countAssociations, type AssociationCounts } from "../../hubspot/associations";
import type { HubSpotClient } from "../../hubspot/client";
import { readDeals, searchModifiedDeals, type DealRecord } from "../../hubspot/deals";
import type { HubSpotError, Result } from "../../hubspot/errors";
import type { AssociationKind } from "../../policy";
import type { BacktestWindow } from "../history";
import { CONTACT_COUNT_PROPERTY } from "./hubspot-history";

/** HubSpot's search pages no further than 10,000 results. */
export const SEARCH_RESULT_CAP = 10_000;

export interface HubSpotHistoryRead {
  deals: DealRecord[];
  /** dealId → current counts of the kinds asked (contacts come from their history instead). */
  currentCounts: Array<[string, AssociationCounts]>;
  calls: { searches: number; historyReads: number; associationReads: number };
}

export type HubSpotReadError = { kind: "hubspot"; error: HubSpotError } | { kind: "too-many"; message: string };

/** The properties to read with history for sets reading `properties` and counting `kinds`. */
export function propertiesToRead(properties: readonly string[], kinds: readonly AssociationKind[]): string[] {
  const base = ["amount", "closedate", "createdate", "dealname", "dealstage", "hubspot_owner_id", "pipeline"];
  return [...new Set([...base, ...properties, ...(kinds.includes("contacts") ? [CONTACT_COUNT_PROPERTY] : [])])].sort();
}

/** Searches, then reads every deal changed since `window.from` with history. Errors are values. */
export async function readHubSpotHistory(client: HubSpotClient, window: BacktestWindow, properties: string[], kinds: readonly AssociationKind[]): Promise<Result<HubSpotHistoryRead, HubSpotReadError>> {
  const calls = { searches: 0, historyReads: 0, associationReads: 0 };
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await searchModifiedDeals(client, window.from, after);
    calls.searches++;
    if (!page.ok) return { ok: false, error: { kind: "hubspot", error: page.error } };
    ids.push(...page.value.ids);
    after = page.value.after ?? undefined;
    if (ids.length >= SEARCH_RESULT_CAP && after !== undefined) {
      return { ok: false, error: { kind: "too-many", message: `more than ${SEARCH_RESULT_CAP} deals were modified since --from; HubSpot's search pages no further: back-test a shorter, more recent window` } };
    }
  } while (after !== undefined);
  const unique = [...new Set(ids)];
  const read = await readDeals(client, unique, properties, properties);
  calls.historyReads += Math.ceil(unique.length / 50);
  if (!read.ok) return { ok: false, error: { kind: "hubspot", error: read.error } };
  const deals = unique.flatMap((id) => {
    const d = read.value.found.get(id);
    return d === undefined ? [] : [d];
  });
  const current = kinds.filter((k) => k !== "contacts");
  const wanted = new Map(current.map((k) => [k, deals.map((d) => d.id)] as const));
  const counts = current.length === 0 || deals.length === 0 ? { ok: true as const, value: new Map<string, AssociationCounts>() } : await countAssociations(client, wanted);
  calls.associationReads += current.length * Math.ceil(deals.length / 1000);
  if (!counts.ok) return { ok: false, error: { kind: "hubspot", error: counts.error } };
  return { ok: true, value: { deals, currentCounts: [...counts.value], calls } };
}
