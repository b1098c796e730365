// Inbox retention (cron): deletes raw events older than INBOX_RETENTION_DAYS, in bounded chunks so one run
// never holds D1 for long. Never deletes anything younger than HubSpot's 24 h retry window plus a margin.
import { deleteInboxBefore } from "../../store/inbox";

const DAY_MS = 24 * 60 * 60 * 1000;
// Dedupe depends on the rows: HubSpot redelivers for 24 h, so keep at least two days whatever is configured.
export const MIN_RETENTION_DAYS = 2;
const CHUNK = 5000;
const MAX_CHUNKS_PER_RUN = 20;

/** Deletes expired inbox rows; returns how many. Throws on D1 failure (the cron run is then marked failed). */
export async function enforceInboxRetention(db: D1Database, retentionDays: number, now: number): Promise<number> {
  const cutoff = now - Math.max(retentionDays, MIN_RETENTION_DAYS) * DAY_MS;
  let deleted = 0;
  for (let i = 0; i < MAX_CHUNKS_PER_RUN; i++) {
    const n = await deleteInboxBefore(db, cutoff, CHUNK);
    deleted += n;
    if (n < CHUNK) break;
  }
  return deleted;
}
