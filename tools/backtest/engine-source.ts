// --source engine: the engine's recorded history from its D1 — npm start's local state (as `npm run ops` reads it) or,
// with --remote, the deployed database — through `wrangler d1 execute`, with the portal schema and owners the engine
// cached. Node-only.
import { historyFromRecorded, type BacktestHistory, type BacktestWindow } from "../../src/backtest/index";
import type { PortalPipeline, PortalProperty } from "../../src/policy/index";
import { listAllJudgedHistory } from "../../src/store/judged-changes";
import { getCachedJson, listOwners, type CachedOwner } from "../../src/store/metadata-cache";
import { WranglerD1, type D1Target } from "../ops/wrangler-d1";

export interface EngineHistory {
  history: BacktestHistory;
  /** The schema the engine cached (null parts: never fetched; the caller falls back to the policy dir's snapshot). */
  pipelines: PortalPipeline[] | null;
  properties: PortalProperty[] | null;
  owners: CachedOwner[];
}

/** Reads the recorded history of the window. Errors (no database, a corrupt row) are values with a message. */
export async function readEngineHistory(target: D1Target, window: BacktestWindow): Promise<{ ok: true; value: EngineHistory } | { ok: false; error: string }> {
  const db = new WranglerD1(target).asD1();
  try {
    const rows = await listAllJudgedHistory(db, window.from, window.to);
    const history = historyFromRecorded(rows);
    if (!history.ok) return history;
    const [pipelines, properties, owners] = [await getCachedJson<PortalPipeline[]>(db, "pipelines"), await getCachedJson<PortalProperty[]>(db, "properties"), await listOwners(db)];
    return { ok: true, value: { history: history.value, pipelines: pipelines?.value ?? null, properties: properties?.value ?? null, owners: owners.owners } };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/no such table: judged_changes/.test(message)) return { ok: false, error: "the engine's database has no judged_changes table yet: apply the migrations (npm run db:migrate:local, or npm start)" };
    return { ok: false, error: `reading the engine's database: ${message.split("\n").slice(0, 6).join(" ")}` };
  }
}
