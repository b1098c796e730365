// Object → HubSpot response shape: string properties (null when unset), ISO timestamps, history newest first.
import { ALWAYS_READ, DEFAULT_READ } from "../portal/properties";
import type { CrmObject, HistoryEntry } from "../portal/types";

export interface ReadSpec {
  properties?: string[];
  propertiesWithHistory?: string[];
}

export interface SerializedHistoryEntry {
  value: string;
  timestamp: string;
  sourceType: string;
  sourceId?: string;
  sourceLabel?: string;
  updatedByUserId?: number;
}

export interface SerializedObject {
  id: string;
  properties: Record<string, string | null>;
  propertiesWithHistory?: Record<string, SerializedHistoryEntry[]>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

/** Serialises an object for a read. Unknown requested names are ignored (HubSpot reads don't fail on them). */
export function serializeObject(obj: CrmObject, spec: ReadSpec, known: (name: string) => boolean): SerializedObject {
  const names = spec.properties && spec.properties.length > 0 ? [...new Set([...spec.properties, ...ALWAYS_READ])] : DEFAULT_READ[obj.type];
  const properties: Record<string, string | null> = {};
  for (const name of names) {
    if (!known(name) && obj.properties[name] === undefined) continue;
    properties[name] = obj.properties[name] ?? null;
  }
  const out: SerializedObject = {
    id: obj.id,
    properties,
    createdAt: new Date(obj.createdAt).toISOString(),
    updatedAt: new Date(obj.updatedAt).toISOString(),
    archived: obj.archived,
  };
  if (obj.archivedAt !== undefined) out.archivedAt = new Date(obj.archivedAt).toISOString();
  if (spec.propertiesWithHistory && spec.propertiesWithHistory.length > 0) {
    out.propertiesWithHistory = {};
    for (const name of spec.propertiesWithHistory) {
      if (!known(name)) continue;
      out.propertiesWithHistory[name] = serializeHistory(obj.history[name] ?? []);
    }
  }
  return out;
}

/** History as HubSpot returns it: newest first (the order is undocumented; clients must sort by timestamp). */
export function serializeHistory(entries: HistoryEntry[]): SerializedHistoryEntry[] {
  return [...entries]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.timestamp - a.e.timestamp || b.i - a.i)
    .map(({ e }) => {
      const entry: SerializedHistoryEntry = { value: e.value, timestamp: new Date(e.timestamp).toISOString(), sourceType: e.sourceType };
      if (e.sourceId !== undefined) entry.sourceId = e.sourceId;
      if (e.sourceLabel !== undefined) entry.sourceLabel = e.sourceLabel;
      if (e.updatedByUserId !== undefined) entry.updatedByUserId = e.updatedByUserId;
      return entry;
    });
}

/** `a,b` query values (also repeated params) → names. */
export function splitList(values: string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  return values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter((s) => s !== "");
}
