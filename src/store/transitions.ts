// stage_transitions and close_date_changes: every stage move (compliant or not) and every close-date push.
// Ids are deterministic, so a redelivered change inserts nothing new.
import { jsonColumns, jsonRowsStatements } from "./json-rows";

export interface TransitionInsert {
  id: string;
  portalId: number;
  dealId: string;
  pipelineId: string | null;
  fromStage: string | null;
  toStage: string;
  fromIndex: number | null;
  toIndex: number | null;
  toIsClosed: boolean;
  toIsWon: boolean;
  ownerId: string | null;
  teamId: string | null;
  actorUserId: string | null;
  changeSource: string | null;
  occurredAt: number;
  timeInFromMs: number | null;
  violationCount: number;
}

export function insertTransitionStatements(db: D1Database, rows: TransitionInsert[]): D1PreparedStatement[] {
  return jsonRowsStatements(
    db,
    `INSERT INTO stage_transitions (id, portal_id, deal_id, pipeline_id, from_stage, to_stage, from_index, to_index, to_is_closed,
       to_is_won, owner_id, team_id, actor_user_id, change_source, occurred_at, time_in_from_ms, compliant, violation_count)
     SELECT ${jsonColumns(18)} FROM json_each(?) WHERE true
     ON CONFLICT (id) DO UPDATE SET violation_count = MAX(stage_transitions.violation_count, excluded.violation_count),
       compliant = MIN(stage_transitions.compliant, excluded.compliant)`,
    rows.map((t) => [
      t.id, t.portalId, t.dealId, t.pipelineId, t.fromStage, t.toStage, t.fromIndex, t.toIndex, t.toIsClosed ? 1 : 0,
      t.toIsWon ? 1 : 0, t.ownerId, t.teamId, t.actorUserId, t.changeSource, t.occurredAt, t.timeInFromMs,
      t.violationCount === 0 ? 1 : 0, t.violationCount,
    ]),
  );
}

export function markTransitionRevertedStatement(db: D1Database, id: string): D1PreparedStatement {
  return db.prepare("UPDATE stage_transitions SET reverted = 1 WHERE id = ?").bind(id);
}

export interface CloseDateInsert {
  id: string;
  portalId: number;
  dealId: string;
  ownerId: string | null;
  teamId: string | null;
  oldValue: number | null;
  newValue: number | null;
  pushedDays: number | null;
  occurredAt: number;
}

export function insertCloseDateStatements(db: D1Database, rows: CloseDateInsert[]): D1PreparedStatement[] {
  return rows.map((c) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO close_date_changes (id, portal_id, deal_id, owner_id, team_id, old_value, new_value, pushed_days, occurred_at)
         VALUES (?,?,?,?,?,?,?,?,?)`,
      )
      .bind(c.id, c.portalId, c.dealId, c.ownerId, c.teamId, c.oldValue, c.newValue, c.pushedDays, c.occurredAt),
  );
}
