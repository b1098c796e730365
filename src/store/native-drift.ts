// native_drift: the latest comparison of HubSpot's native pipeline rules with the policy set (one row, replaced by
// each cron run). Read by /healthz and the overview; written by jobs/cron/native-drift.ts.
export type DriftStatus = "in-sync" | "drift" | "error" | "unused";

export interface DriftLine {
  pipeline: string;
  what: string;
  current: string;
  desired: string;
}

export interface NativeDrift {
  checkedAt: number;
  status: DriftStatus;
  differences: number;
  lines: DriftLine[];
  error: string | null;
}

export async function saveNativeDrift(db: D1Database, drift: NativeDrift): Promise<void> {
  const detail = drift.status === "error" ? [{ error: drift.error ?? "unknown" }] : drift.lines;
  await db
    .prepare(
      `INSERT INTO native_drift (id, checked_at, status, differences, detail) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at, status = excluded.status, differences = excluded.differences, detail = excluded.detail`,
    )
    .bind(drift.checkedAt, drift.status, drift.differences, JSON.stringify(detail))
    .run();
}

/** The latest check, or null before the first one. Throws only on D1 errors. */
export async function getNativeDrift(db: D1Database): Promise<NativeDrift | null> {
  const row = await db.prepare("SELECT checked_at, status, differences, detail FROM native_drift WHERE id = 1").first<{ checked_at: number; status: DriftStatus; differences: number; detail: string }>();
  if (row === null) return null;
  let detail: unknown = [];
  try {
    detail = JSON.parse(row.detail);
  } catch (err) {
    detail = [{ error: `unreadable detail: ${String(err)}` }];
  }
  const items = Array.isArray(detail) ? (detail as Array<Partial<DriftLine> & { error?: string }>) : [];
  const error = items.find((d) => typeof d.error === "string")?.error ?? null;
  const lines = items.flatMap((d) => (typeof d.what === "string" ? [{ pipeline: d.pipeline ?? "", what: d.what, current: d.current ?? "", desired: d.desired ?? "" }] : []));
  return { checkedAt: row.checked_at, status: row.status, differences: row.differences, lines, error };
}
