// HubSpot's own property history as a back-test's history — the day-one path, before the engine recorded anything.
// Each deal's history entries become the webhook events HubSpot would have sent (a creation at `createdate`, one
// property change per entry, without a source id for imports as HubSpot sends them; the engine's own writes set aside
// as its echoes are), grouped and built by the same
// functions the engine uses (group-events.ts, build-change.ts), so each change is judged as of its time. Pure.
import { buildDealChanges, type OwnerDirectory } from "../../enforcement/build-change";
import { groupDealEvents } from "../../enforcement/group-events";
import type { AssociationCounts } from "../../hubspot/associations";
import type { DealRecord, HistoryEntry } from "../../hubspot/deals";
import type { HubSpotEvent } from "../../hubspot/events";
import type { BacktestHistory, HistoryDeal } from "../history";

/** HubSpot keeps the count of a deal's contacts as a calculated property with history: contacts as of a change. */
export const CONTACT_COUNT_PROPERTY = "num_associated_contacts";
const CREATED_PROPERTY = "createdate";

export interface HubSpotHistoryOptions {
  portalId: number;
  appId: string;
  /** The properties the sets read (every one was read with its history). */
  properties: string[];
  directory: OwnerDirectory;
  /** Current association counts per deal for the kinds HubSpot keeps no history of (companies, line items). */
  currentCounts: ReadonlyMap<string, AssociationCounts>;
  /** The end of the window: the deal "as it is now" for the replay. */
  now: number;
}

/** The back-test history of deals read with their property history. */
export function historyFromHubSpot(deals: readonly DealRecord[], o: HubSpotHistoryOptions): BacktestHistory {
  return { source: "hubspot", deals: deals.map((d) => historyDealOf(d, o)), properties: [...o.properties].sort() };
}

function historyDealOf(deal: DealRecord, o: HubSpotHistoryOptions): HistoryDeal {
  const isEngine = (h: HistoryEntry) => h.sourceType === "INTEGRATION" && h.sourceId === o.appId;
  const events = eventsOf(deal, o, isEngine);
  const group = groupDealEvents(events, { appId: o.appId, engineWrites: new Map() }).deals.get(deal.id);
  const counts = o.currentCounts.get(deal.id) ?? { contacts: 0, companies: 0, line_items: 0 };
  const built = group === undefined ? [] : buildDealChanges({ group, deal, state: undefined, properties: o.properties, directory: o.directory, now: o.now }).built;
  const contacts = deal.history[CONTACT_COUNT_PROPERTY];
  const contactsAt = (at: number) => {
    const asOf = contacts === undefined || contacts.length === 0 ? null : valueAt(contacts, at);
    return asOf === null ? counts.contacts : Number(asOf) || 0;
  };
  for (const b of built) {
    const [now, before] = [contactsAt(b.change.occurredAt), contactsAt(b.change.occurredAt - 1)];
    b.change = { ...b.change, associations: { ...counts, contacts: now }, ...(before === now ? {} : { associationsBefore: { ...counts, contacts: before } }) };
  }
  const stages = deal.history.dealstage ?? [];
  return {
    dealId: deal.id,
    portalId: o.portalId,
    changes: built,
    stageHistory: stages,
    pipelineHistory: deal.history.pipeline ?? [],
    revertedTo: [...new Set(stages.filter(isEngine).map((h) => h.value))],
  };
}

/** The webhook events HubSpot sent for these history entries (what the engine's subscription would have carried). */
function eventsOf(deal: DealRecord, o: HubSpotHistoryOptions, isEngine: (h: HistoryEntry) => boolean): HubSpotEvent[] {
  const base = (at: number, h: HistoryEntry | undefined, n: number): HubSpotEvent => ({
    eventId: `${deal.id}-${n}`, subscriptionId: "backtest", portalId: String(o.portalId), appId: o.appId, occurredAt: at,
    subscriptionType: "deal.propertyChange", attemptNumber: 0, objectId: deal.id, objectTypeId: "0-3", propertyName: null, propertyValue: null,
    changeSource: h?.sourceType ?? null, sourceId: h?.sourceType === "IMPORT" ? null : (h?.sourceId ?? null), changeFlag: null, primaryObjectId: null, mergedObjectIds: [],
    newObjectId: null, associationType: null, fromObjectId: null, toObjectId: null, associationRemoved: null,
  });
  const events: HubSpotEvent[] = [];
  const created = deal.history[CREATED_PROPERTY]?.[0];
  if (created !== undefined) events.push({ ...base(created.timestamp, created, 0), subscriptionType: "deal.creation", changeFlag: "CREATED" });
  for (const name of o.properties) {
    if (name === CREATED_PROPERTY || name === CONTACT_COUNT_PROPERTY) continue;
    for (const h of deal.history[name] ?? []) {
      if (isEngine(h) || h.sourceType === "CALCULATED") continue;
      events.push({ ...base(h.timestamp, h, events.length), propertyName: name, propertyValue: h.value });
    }
  }
  return events;
}

function valueAt(entries: readonly HistoryEntry[], at: number): string | null {
  let found: string | null = null;
  for (const e of entries) {
    if (e.timestamp > at) break;
    found = e.value;
  }
  return found;
}
