// A deal merged away lives on in the deal it went into (HubSpot shows only the survivor): the rows the engine logged
// under the merged deal's id before it learnt of the merge — violations, stage changes, close-date pushes — move to
// the survivor, like the changes it judges after the merge. Idempotent: a retried run moves nothing more.

/** Re-keys each merged deal's logged rows to the deal it was merged into. */
export function moveMergedRowsStatements(db: D1Database, merges: Array<{ dealId: string; into: string }>): D1PreparedStatement[] {
  return merges.flatMap((m) =>
    ["violations", "stage_transitions", "close_date_changes"].map((table) => db.prepare(`UPDATE ${table} SET deal_id = ? WHERE deal_id = ?`).bind(m.into, m.dealId)),
  );
}
