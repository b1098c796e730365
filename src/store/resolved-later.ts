// Violations resolved after a given time: a late-delivered move that happened before such a resolution was made while
// the violation still stood, so a move rule judges it from that violation's anchor (enforcement/move-anchors.ts).
import { rowsForDeals } from "./rows-for-deals";

export interface ResolvedLater {
  id: string;
  dealId: string;
  policyId: string;
  ruleId: string;
  toStage: string | null;
  fromStage: string | null;
  occurredAt: number;
  resolvedAt: number;
}

/**
 * The deals' violations resolved after `since` (epoch ms), merges excluded (a merged deal's violations stand for
 * nothing on the survivor). Throws only on D1 errors.
 */
export async function listResolvedSince(db: D1Database, dealIds: string[], since: number): Promise<ResolvedLater[]> {
  type Row = { id: string; deal_id: string; policy_id: string; rule_id: string; to_stage: string | null; from_stage: string | null; occurred_at: number; resolved_at: number };
  const rows = await rowsForDeals<Row>(db, dealIds, (ids, marks) =>
    db
      .prepare(
        `SELECT id, deal_id, policy_id, rule_id, to_stage, from_stage, occurred_at, resolved_at FROM violations
         WHERE status = 'resolved' AND resolved_at > ? AND resolved_by NOT LIKE 'merged:%' AND deal_id IN (${marks})`,
      )
      .bind(since, ...ids),
  );
  return rows.map((r) => ({ id: r.id, dealId: r.deal_id, policyId: r.policy_id, ruleId: r.rule_id, toStage: r.to_stage, fromStage: r.from_stage, occurredAt: r.occurred_at, resolvedAt: r.resolved_at }));
}
