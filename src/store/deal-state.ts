// deal_state: the engine's last-known stage/pipeline/owner/properties per deal, and deletions/merges.
import { jsonColumns, jsonRowsStatements } from "./json-rows";
import { rowsForDeals } from "./rows-for-deals";

export interface DealStateRow {
  deal_id: string;
  pipeline_id: string | null;
  stage_id: string | null;
  owner_id: string | null;
  deal_name: string | null;
  properties: string;
  stage_entered_at: number | null;
  status: "active" | "deleted" | "merged";
  merged_into: string | null;
  observed_at: number;
  updated_at: number;
}

export interface DealState {
  dealId: string;
  pipelineId: string | null;
  stageId: string | null;
  ownerId: string | null;
  properties: Record<string, string | null>;
  stageEnteredAt: number | null;
  status: "active" | "deleted" | "merged";
  observedAt: number;
}

function toDealState(row: DealStateRow): DealState {
  let properties: Record<string, string | null> = {};
  try {
    properties = JSON.parse(row.properties) as Record<string, string | null>;
  } catch (err) {
    console.warn("deal_state.properties unreadable", row.deal_id, err);
  }
  return {
    dealId: row.deal_id,
    pipelineId: row.pipeline_id,
    stageId: row.stage_id,
    ownerId: row.owner_id,
    properties,
    stageEnteredAt: row.stage_entered_at,
    status: row.status,
    observedAt: row.observed_at,
  };
}

export async function getDealStates(db: D1Database, dealIds: string[]): Promise<Map<string, DealState>> {
  const out = new Map<string, DealState>();
  const rows = await rowsForDeals<DealStateRow>(db, dealIds, (ids, marks) => db.prepare(`SELECT * FROM deal_state WHERE deal_id IN (${marks})`).bind(...ids));
  for (const row of rows) out.set(row.deal_id, toDealState(row));
  return out;
}

export interface DealStateWrite {
  dealId: string;
  pipelineId: string | null;
  stageId: string | null;
  ownerId: string | null;
  dealName: string | null;
  properties: Record<string, string | null>;
  stageEnteredAt: number | null;
  observedAt: number;
}

/** Upserts active deals; an older observation never overwrites a newer one. */
export function upsertDealStateStatements(db: D1Database, writes: DealStateWrite[], now: number): D1PreparedStatement[] {
  return jsonRowsStatements(
    db,
    `INSERT INTO deal_state (deal_id, pipeline_id, stage_id, owner_id, deal_name, properties, stage_entered_at, status, merged_into, observed_at, updated_at)
     SELECT ${jsonColumns(7)}, 'active', NULL, json_extract(value, '$[7]'), ? FROM json_each(?) WHERE true
     ON CONFLICT (deal_id) DO UPDATE SET pipeline_id = excluded.pipeline_id, stage_id = excluded.stage_id,
       owner_id = excluded.owner_id, deal_name = excluded.deal_name, properties = excluded.properties,
       stage_entered_at = excluded.stage_entered_at, status = 'active', merged_into = NULL,
       observed_at = excluded.observed_at, updated_at = excluded.updated_at
     WHERE excluded.observed_at >= deal_state.observed_at`,
    writes.map((w) => [w.dealId, w.pipelineId, w.stageId, w.ownerId, w.dealName, JSON.stringify(w.properties), w.stageEnteredAt, w.observedAt]),
    [now],
  );
}

/** Records that deals are gone (deleted, or merged into `mergedInto`). */
export function markDealsGoneStatements(
  db: D1Database,
  gone: Array<{ dealId: string; status: "deleted" | "merged"; mergedInto: string | null; at: number }>,
  now: number,
): D1PreparedStatement[] {
  return gone.map((g) =>
    db
      .prepare(
        `INSERT INTO deal_state (deal_id, properties, status, merged_into, observed_at, updated_at) VALUES (?, '{}', ?, ?, ?, ?)
         ON CONFLICT (deal_id) DO UPDATE SET status = excluded.status, merged_into = excluded.merged_into,
           observed_at = MAX(deal_state.observed_at, excluded.observed_at), updated_at = excluded.updated_at`,
      )
      .bind(g.dealId, g.status, g.mergedInto, g.at, now),
  );
}

/** After the engine moved a deal back: its last-known stage is the one it wrote. */
export function setDealStageStatement(db: D1Database, dealId: string, stageId: string, pipelineId: string | null, at: number): D1PreparedStatement {
  return db
    .prepare("UPDATE deal_state SET stage_id = ?, pipeline_id = COALESCE(?, pipeline_id), stage_entered_at = ?, updated_at = ? WHERE deal_id = ?")
    .bind(stageId, pipelineId, at, at, dealId);
}
