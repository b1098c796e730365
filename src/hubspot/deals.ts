// Deal reads and writes: batch read (≤100 per call, with property history), the revert write, and the
// reconciliation search. Returns domain shapes and HubSpotError values; never throws.
import { FilterOperatorEnum } from "@hubspot/api-client/lib/codegen/crm/deals/index.js";
import { chunk } from "../chunk";
import type { HubSpotClient } from "./client";
import { callHubSpot, type HubSpotError, type Result } from "./errors";

export const BATCH_READ_LIMIT = 100;

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
  /** Asked for, not returned: deleted or merged away. */
  missing: string[];
}

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
 * Reads deals in batches of ≤100 with `properties` and `propertiesWithHistory`. Missing ids (deleted, merged away)
 * are listed, not errors. The first failing call aborts the read with its error (the caller retries the message).
 */
export async function readDeals(
  client: HubSpotClient,
  ids: string[],
  properties: string[],
  propertiesWithHistory: string[],
): Promise<Result<DealReads, HubSpotError>> {
  const unique = [...new Set(ids)];
  const found = new Map<string, DealRecord>();
  const chunks = chunk(unique, BATCH_READ_LIMIT);
  // A few reads in flight at once: a big queue batch (thousands of deals) would otherwise wait on each in turn.
  // Four stays far below HubSpot's burst limit (100–190 calls per 10 s); the shared budget counts every call.
  let next = 0;
  let failure: HubSpotError | null = null;
  const worker = async () => {
    while (failure === null && next < chunks.length) {
      const part = chunks[next++] ?? [];
      const answer = await callHubSpot(() =>
        client.deals.batch.read({ inputs: part.map((id) => ({ id })), properties, propertiesWithHistory }, false),
      );
      if (!answer.ok) {
        failure ??= answer.error;
        return;
      }
      for (const deal of answer.value.results as SdkDeal[]) found.set(String(deal.id), toDealRecord(deal));
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, chunks.length) }, worker));
  if (failure !== null) return { ok: false, error: failure };
  const missing = unique.filter((id) => !found.has(id));
  return { ok: true, value: { found, missing } };
}

const READS_IN_FLIGHT = 4;

export interface RevertWrite {
  dealId: string;
  stageId: string;
  /** Set when the stage lies in another pipeline than the deal's current one. */
  pipelineId: string | null;
}

/** PATCHes one deal's stage (and pipeline) back. A 400 means the portal refused it (e.g. required properties). */
export async function writeDealStage(client: HubSpotClient, write: RevertWrite): Promise<Result<void, HubSpotError>> {
  const properties: Record<string, string> = { dealstage: write.stageId };
  if (write.pipelineId !== null) properties.pipeline = write.pipelineId;
  const answer = await callHubSpot(() => client.deals.basic.update(write.dealId, { properties }));
  return answer.ok ? { ok: true, value: undefined } : answer;
}

export type StageWriteOutcome = { dealId: string; ok: true } | { dealId: string; ok: false; error: HubSpotError };

/**
 * Writes several reverts. One deal: a PATCH. Several: one batch update; if the portal refuses the batch (400: one
 * input failed, others may have been applied), null is returned so the caller re-reads and writes one by one.
 * Transient failures are returned as the error.
 */
export async function writeDealStages(
  client: HubSpotClient,
  writes: RevertWrite[],
): Promise<Result<{ outcomes: StageWriteOutcome[] | null }, HubSpotError>> {
  if (writes.length === 1 && writes[0] !== undefined) {
    const write = writes[0];
    const one = await writeDealStage(client, write);
    if (one.ok) return { ok: true, value: { outcomes: [{ dealId: write.dealId, ok: true }] } };
    if (one.error.kind === "validation" || one.error.kind === "not-found") {
      return { ok: true, value: { outcomes: [{ dealId: write.dealId, ok: false, error: one.error }] } };
    }
    return one;
  }
  const inputs = writes.map((w) => {
    const properties: Record<string, string> = { dealstage: w.stageId };
    if (w.pipelineId !== null) properties.pipeline = w.pipelineId;
    return { id: w.dealId, properties };
  });
  const answer = await callHubSpot(() => client.deals.batch.update({ inputs }));
  if (answer.ok) return { ok: true, value: { outcomes: writes.map((w) => ({ dealId: w.dealId, ok: true as const })) } };
  if (answer.error.kind === "validation" || answer.error.kind === "not-found") return { ok: true, value: { outcomes: null } };
  return answer;
}

/** Ids of deals modified since `sinceMs` (one page of ≤100, newest first) — for the reconciliation cron. */
export async function searchModifiedDeals(
  client: HubSpotClient,
  sinceMs: number,
  after?: string,
): Promise<Result<{ ids: string[]; after: string | null }, HubSpotError>> {
  const answer = await callHubSpot(() =>
    client.deals.search.doSearch({
      filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: FilterOperatorEnum.Gte, value: String(sinceMs) }] }],
      properties: ["dealstage"],
      sorts: ["hs_lastmodifieddate"],
      limit: 100,
      after: after ?? "0",
    }),
  );
  if (!answer.ok) return answer;
  return {
    ok: true,
    value: { ids: answer.value.results.map((r) => String(r.id)), after: answer.value.paging?.next?.after ?? null },
  };
}
