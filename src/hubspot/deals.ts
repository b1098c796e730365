// Deal reads: batch read (≤100 per call, ≤50 with property history) and the reconciliation search (newest first); the
// writes are in deal-writes.ts. Returns domain shapes and HubSpotError values; never throws.
import { FilterOperatorEnum } from "@hubspot/api-client/lib/codegen/crm/deals/index.js";
import { chunk } from "../chunk";
import type { HubSpotClient } from "./client";
import { callHubSpot, callSearch, type HubSpotError, type Result } from "./errors";

export const BATCH_READ_LIMIT = 100;
/** HubSpot refuses a batch read asking for `propertiesWithHistory` with more than 50 inputs (400 VALIDATION_ERROR;
 *  HubSpot/hubspot-api-python#143, activepieces/activepieces#9359). */
export const BATCH_HISTORY_READ_LIMIT = 50;
/** HubSpot's search: at most 200 results a page. */
export const SEARCH_PAGE_LIMIT = 200;

export interface HistoryEntry {
  value: string;
  timestamp: number;
  sourceType: string | null;
  sourceId: string | null;
  updatedByUserId: string | null;
}

export interface DealRecord {
  id: string;
  properties: Record<string, string | null>;
  /** Oldest first (HubSpot's order is undocumented; we sort by timestamp). */
  history: Record<string, HistoryEntry[]>;
  updatedAt: number;
}

export interface DealReads {
  found: Map<string, DealRecord>;
  /** Asked for, not returned: deleted (or, in an archived read, not archived). */
  missing: string[];
  /**
   * Asked-for ids HubSpot answered with another deal: merged away into it (the answer's id differs from the one asked
   * and its `hs_merged_object_ids` lists the asked id). Merged id → surviving id.
   */
  mergedInto: Map<string, string>;
}

/** Read this with every deal read: it tells a merged-away id answered by the deal it was merged into. */
export const MERGED_IDS_PROPERTY = "hs_merged_object_ids";

export interface SdkHistoryEntry {
  value: string;
  timestamp: Date | string;
  sourceType?: string;
  sourceId?: string;
  updatedByUserId?: number;
}

export interface SdkDeal {
  id: string;
  properties: Record<string, string | null>;
  propertiesWithHistory?: Record<string, SdkHistoryEntry[]>;
  updatedAt?: Date | string;
}

function toEpoch(value: Date | string | undefined): number {
  if (value === undefined) return 0;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : 0;
}

/** HubSpot's deal (SDK shape) → DealRecord, history oldest first. Exported for its tests. */
export function toDealRecord(deal: SdkDeal): DealRecord {
  const history: Record<string, HistoryEntry[]> = {};
  for (const [name, entries] of Object.entries(deal.propertiesWithHistory ?? {})) {
    // HubSpot lists history newest first but doesn't document it: sort by timestamp, and let entries that share a
    // millisecond keep their chronological order (the reverse of the listing; Array.prototype.sort is stable).
    history[name] = [...entries]
      .reverse()
      .map((e) => ({
        value: e.value,
        timestamp: toEpoch(e.timestamp),
        sourceType: e.sourceType ?? null,
        sourceId: e.sourceId ?? null,
        updatedByUserId: e.updatedByUserId === undefined || e.updatedByUserId === null ? null : String(e.updatedByUserId),
      }))
      .sort((a, b) => a.timestamp - b.timestamp);
  }
  return { id: String(deal.id), properties: { ...deal.properties }, history, updatedAt: toEpoch(deal.updatedAt) };
}

/**
 * Reads deals in batches of ≤100 (≤50 when history is asked) with `properties` and `propertiesWithHistory`. Missing ids (deleted, merged away)
 * are listed, not errors. The first failing call aborts the read with its error (the caller retries the message).
 */
export async function readDeals(
  client: HubSpotClient,
  ids: string[],
  properties: string[],
  propertiesWithHistory: string[],
  options: { archived?: boolean } = {},
): Promise<Result<DealReads, HubSpotError>> {
  const unique = [...new Set(ids)];
  const asked = new Set(unique);
  const mergedInto = new Map<string, string>();
  const withMerged = properties.includes(MERGED_IDS_PROPERTY) ? properties : [...properties, MERGED_IDS_PROPERTY];
  const found = new Map<string, DealRecord>();
  const chunks = chunk(unique, propertiesWithHistory.length > 0 ? BATCH_HISTORY_READ_LIMIT : BATCH_READ_LIMIT);
  // A few reads in flight at once: a big queue batch (thousands of deals) would otherwise wait on each in turn.
  // Four stays far below HubSpot's burst limit (100–190 calls per 10 s); the shared budget counts every call.
  let next = 0;
  let failure: HubSpotError | null = null;
  const worker = async () => {
    while (failure === null && next < chunks.length) {
      const part = chunks[next++] ?? [];
      const answer = await callHubSpot(() =>
        client.deals.batch.read({ inputs: part.map((id) => ({ id })), properties: withMerged, propertiesWithHistory }, options.archived ?? false),
      );
      if (!answer.ok) {
        failure ??= answer.error;
        return;
      }
      for (const deal of answer.value.results as SdkDeal[]) {
        const record = toDealRecord(deal);
        found.set(record.id, record);
        for (const id of (record.properties[MERGED_IDS_PROPERTY] ?? "").split(";")) {
          if (id !== "" && id !== record.id && asked.has(id)) mergedInto.set(id, record.id);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, chunks.length) }, worker));
  if (failure !== null) return { ok: false, error: failure };
  const missing = unique.filter((id) => !found.has(id) && !mergedInto.has(id));
  return { ok: true, value: { found, missing, mergedInto } };
}

const READS_IN_FLIGHT = 4;

const NEWEST_FIRST = { propertyName: "hs_lastmodifieddate", direction: "DESCENDING" };

/** Ids of deals modified since `sinceMs` (one page of ≤200, newest first) — for the reconciliation cron. */
export async function searchModifiedDeals(
  client: HubSpotClient,
  sinceMs: number,
  after?: string,
): Promise<Result<{ ids: string[]; after: string | null }, HubSpotError>> {
  const answer = await callSearch(() =>
    client.deals.search.doSearch({
      filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: FilterOperatorEnum.Gte, value: String(sinceMs) }] }],
      properties: ["dealstage"],
      // A bare property name sorts ascending: newest first needs HubSpot's sort object. The SDK types `sorts` as
      // strings but serialises the items as given.
      sorts: [NEWEST_FIRST as unknown as string],
      limit: SEARCH_PAGE_LIMIT,
      after: after ?? "0",
    }),
  );
  if (!answer.ok) return answer;
  return {
    ok: true,
    value: { ids: answer.value.results.map((r) => String(r.id)), after: answer.value.paging?.next?.after ?? null },
  };
}
