// scan_state: where the scheduled scan of open deals is in its pass, per portal (the cursor), and the lease that
// keeps two runs from scanning at once. The scan decides; this file only reads and writes the row.

export interface ScanState {
  /** Last hs_object_id scanned in the current pass; "" when the pass starts over. */
  cursor: string;
  passStartedAt: number | null;
  passScanned: number;
  lastPassAt: number | null;
  lastPassScanned: number | null;
}

interface Row {
  cursor: string;
  pass_started_at: number | null;
  pass_scanned: number;
  last_pass_at: number | null;
  last_pass_scanned: number | null;
}

const toState = (r: Row): ScanState => ({ cursor: r.cursor, passStartedAt: r.pass_started_at, passScanned: r.pass_scanned, lastPassAt: r.last_pass_at, lastPassScanned: r.last_pass_scanned });

/**
 * Takes the portal's scan lease until `until` and returns the state, or null when another run holds it. One
 * conditional UPDATE, so two isolates can't both win. Throws only for D1.
 */
export async function claimScan(db: D1Database, portalId: string, now: number, until: number): Promise<ScanState | null> {
  const [, claim] = await db.batch<Row>([
    db.prepare("INSERT OR IGNORE INTO scan_state (portal_id, updated_at) VALUES (?, ?)").bind(portalId, now),
    db
      .prepare(
        `UPDATE scan_state SET lease_until = ?, updated_at = ? WHERE portal_id = ? AND lease_until <= ?
         RETURNING cursor, pass_started_at, pass_scanned, last_pass_at, last_pass_scanned`,
      )
      .bind(until, now, portalId, now),
  ]);
  const row = claim?.results[0];
  return row === undefined ? null : toState(row);
}

/** Saves the pass's progress after a page (the lease stays). */
export async function saveScanProgress(db: D1Database, portalId: string, state: ScanState, now: number): Promise<void> {
  await db
    .prepare("UPDATE scan_state SET cursor = ?, pass_started_at = ?, pass_scanned = ?, last_pass_at = ?, last_pass_scanned = ?, updated_at = ? WHERE portal_id = ?")
    .bind(state.cursor, state.passStartedAt, state.passScanned, state.lastPassAt, state.lastPassScanned, now, portalId)
    .run();
}

/** Gives the lease back. */
export async function releaseScan(db: D1Database, portalId: string, now: number): Promise<void> {
  await db.prepare("UPDATE scan_state SET lease_until = 0, updated_at = ? WHERE portal_id = ?").bind(now, portalId).run();
}

/** The portal's scan state (for the health page and tests); null before the first run. */
export async function getScanState(db: D1Database, portalId: string): Promise<ScanState | null> {
  const row = await db.prepare("SELECT cursor, pass_started_at, pass_scanned, last_pass_at, last_pass_scanned FROM scan_state WHERE portal_id = ?").bind(portalId).first<Row>();
  return row === null ? null : toState(row);
}
