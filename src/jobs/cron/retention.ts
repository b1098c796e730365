// Retention (cron): deletes raw events older than INBOX_RETENTION_DAYS — and refused events last seen before then —
// and judged changes older than JUDGED_CHANGES_RETENTION_DAYS, in bounded chunks so one run never holds D1 for long. Never deletes anything younger than HubSpot's 24 h
// retry window plus a margin.
import { deleteInboxBefore } from "../../store/inbox";
import { deleteJudgedChangesBefore } from "../../store/judged-changes";
import { deleteRefusedBefore } from "../../store/refused-events";

const DAY_MS = 24 * 60 * 60 * 1000;
// Dedupe depends on the rows: HubSpot redelivers for 24 h, so keep at least two days whatever is configured.
export const MIN_RETENTION_DAYS = 2;
const CHUNK = 5000;
const MAX_CHUNKS_PER_RUN = 20;

/** Deletes expired inbox rows; returns how many. Throws on D1 failure (the cron run is then marked failed). */
export function enforceInboxRetention(db: D1Database, retentionDays: number, now: number): Promise<number> {
  return deleteInChunks((limit) => deleteInboxBefore(db, cutoffOf(retentionDays, now), limit));
}

/** Deletes refused events not seen again within the inbox's retention (HubSpot retries a refused event for 24 h). */
export function enforceRefusedRetention(db: D1Database, retentionDays: number, now: number): Promise<number> {
  return deleteInChunks((limit) => deleteRefusedBefore(db, cutoffOf(retentionDays, now), limit));
}

/**
 * Deletes judged changes older than JUDGED_CHANGES_RETENTION_DAYS (default 400: a year of back-tests plus the
 * dashboard's 92-day window before it). Older history is HubSpot's: `policies backtest --source hubspot`.
 */
export function enforceJudgedChangesRetention(db: D1Database, retentionDays: number, now: number): Promise<number> {
  return deleteInChunks((limit) => deleteJudgedChangesBefore(db, cutoffOf(retentionDays, now), limit));
}

function cutoffOf(retentionDays: number, now: number): number {
  return now - Math.max(retentionDays, MIN_RETENTION_DAYS) * DAY_MS;
}

async function deleteInChunks(deleteChunk: (limit: number) => Promise<number>): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < MAX_CHUNKS_PER_RUN; i++) {
    const n = await deleteChunk(CHUNK);
    deleted += n;
    if (n < CHUNK) break;
  }
  return deleted;
}
