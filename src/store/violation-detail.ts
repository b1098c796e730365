// One violation in full: its trace, actions with outcomes, and the inbox events that caused it.
import { mapViolationRow, parseJsonColumn, VIOLATION_LIST_COLUMNS, isoOrNull, type ViolationItem, type ViolationListRow } from "./violation-row";

export interface SourceEvent {
  hash: string;
  eventId: string;
  subscriptionType: string;
  propertyName: string | null;
  occurredAt: string;
  receivedAt: string;
  status: string;
  payload: unknown;
}

export interface ViolationDetail extends ViolationItem {
  actorOwnerId: string | null;
  sourceId: string | null;
  resolvedBy: string | null;
  resolvedByEvent: string | null;
  trace: unknown[];
  actions: unknown[];
  sourceEventHashes: string[];
  sourceEvents: SourceEvent[];
}

interface DetailRow extends ViolationListRow {
  actor_owner_id: string | null;
  source_id: string | null;
  resolved_by: string | null;
  resolved_by_event: string | null;
  trace: string;
  actions: string;
  source_events: string;
}

interface InboxRow {
  hash: string;
  event_id: string;
  subscription_type: string;
  property_name: string | null;
  occurred_at: number;
  received_at: number;
  status: string;
  payload: string;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Returns the violation or null when there is none with that id. */
export async function getViolation(db: D1Database, id: string): Promise<ViolationDetail | null> {
  const row = await db
    .prepare(
      `SELECT ${VIOLATION_LIST_COLUMNS}, actor_owner_id, source_id, resolved_by, resolved_by_event, trace, actions, source_events
       FROM violations WHERE id = ?`,
    )
    .bind(id)
    .first<DetailRow>();
  if (!row) return null;
  const hashes = asArray(parseJsonColumn(row.source_events, [])).filter((h): h is string => typeof h === "string");
  const { results } = await db
    .prepare(
      `SELECT hash, event_id, subscription_type, property_name, occurred_at, received_at, status, payload
       FROM inbox_events WHERE hash IN (SELECT value FROM json_each(?)) ORDER BY occurred_at`,
    )
    .bind(JSON.stringify(hashes))
    .all<InboxRow>();
  return {
    ...mapViolationRow(row),
    actorOwnerId: row.actor_owner_id,
    sourceId: row.source_id,
    resolvedBy: row.resolved_by,
    resolvedByEvent: row.resolved_by_event,
    trace: asArray(parseJsonColumn(row.trace, [])),
    actions: asArray(parseJsonColumn(row.actions, [])),
    sourceEventHashes: hashes,
    sourceEvents: results.map((e) => ({
      hash: e.hash,
      eventId: e.event_id,
      subscriptionType: e.subscription_type,
      propertyName: e.property_name,
      occurredAt: new Date(e.occurred_at).toISOString(),
      receivedAt: isoOrNull(e.received_at) ?? "",
      status: e.status,
      payload: parseJsonColumn(e.payload, null),
    })),
  };
}
