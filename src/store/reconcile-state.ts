// reconcile_state: reconciliation's installation time and watermark per portal, so a run never judges changes from
// before the engine existed or that an earlier run already reconciled.

export interface ReconcileState {
  installedAt: number;
  watermark: number;
}

/**
 * The portal's state; on the first run, the installation is the earliest event the engine stored (or `now` when none)
 * and the watermark starts there. Never throws for a missing row.
 */
export async function getReconcileState(db: D1Database, portalId: string, now: number): Promise<ReconcileState> {
  const row = await db.prepare("SELECT installed_at, watermark FROM reconcile_state WHERE portal_id = ?").bind(portalId).first<{ installed_at: number; watermark: number }>();
  if (row !== null) return { installedAt: row.installed_at, watermark: row.watermark };
  const first = await db.prepare("SELECT min(received_at) AS at FROM inbox_events").first<{ at: number | null }>();
  const installedAt = Math.min(first?.at ?? now, now);
  await db
    .prepare("INSERT OR IGNORE INTO reconcile_state (portal_id, installed_at, watermark, updated_at) VALUES (?,?,?,?)")
    .bind(portalId, installedAt, installedAt, now)
    .run();
  return { installedAt, watermark: installedAt };
}

/** Moves the watermark forward (never back). */
export async function advanceWatermark(db: D1Database, portalId: string, watermark: number, now: number): Promise<void> {
  await db.prepare("UPDATE reconcile_state SET watermark = max(watermark, ?), updated_at = ? WHERE portal_id = ?").bind(watermark, now, portalId).run();
}
