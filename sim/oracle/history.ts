// Ground truth, step 1: one deal's full history as the simulator keeps it (every property write with its time and
// source, every association added or removed, the merge that ended it) turned into the deal's changes in time order,
// each with every value and association count as it was at that moment. Knows nothing of webhooks or of the engine:
// it reads what happened, not what was delivered. Pure.
import type { SimDeal, SimOwner } from "../client";

export interface TruthEntry { value: string; at: number; sourceType: string; sourceId: string | null; userId: string | null }
export type TruthKind = "contacts" | "companies" | "line_items";
export interface TruthAssociation { kind: TruthKind; toId: string; removed: boolean; at: number }

/** A deal's full history: property entries oldest first, its association log, and the merge that ended it. */
export interface TruthDeal {
  id: string;
  createdAt: number;
  history: Record<string, TruthEntry[]>;
  associations: TruthAssociation[];
  mergedInto: string | null;
  mergedAt: number | null;
  /** Times this deal absorbed another (a merge's filled values are no change anyone made to it). */
  mergesIn: number[];
}

/** One change as it happened: values before and after, who made it, the associations the deal had then. */
export interface TruthChange {
  dealId: string;
  at: number;
  kind: "created" | "updated";
  changed: string[];
  old: Record<string, string | null>;
  new: Record<string, string | null>;
  stageMoved: boolean;
  fromStage: string | null;
  toStage: string | null;
  /** When the deal entered `fromStage` (for time in stage). */
  fromEnteredAt: number | null;
  source: { changeSource: string; sourceId: string | null; userId: string | null };
  associations: Record<TruthKind, number>;
  /** The counts just before, when they differ (an association added or removed at this moment). */
  associationsBefore?: Record<TruthKind, number>;
  /** An association added or removed with no property written: a moment that can make a deal comply, never a verdict. */
  associationOnly?: boolean;
}

/** Properties HubSpot never announces in a deal.propertyChange (read-only, calculated) or the engine writes itself. */
const UNANNOUNCED = new Set(["createdate", "hs_lastmodifieddate", "hs_object_id", "hs_merged_object_ids"]);
const KINDS: readonly TruthKind[] = ["contacts", "companies", "line_items"];

function announced(name: string, e: TruthEntry): boolean {
  return e.sourceType !== "CALCULATED" && !UNANNOUNCED.has(name) && !name.startsWith("governance_");
}

/** The simulator's control-API deal (ISO times) as a TruthDeal, history oldest first. */
export function truthDealOf(deal: SimDeal): TruthDeal {
  const history: Record<string, TruthEntry[]> = {};
  for (const [name, entries] of Object.entries(deal.history)) {
    history[name] = entries
      .map((e) => ({
        value: e.value,
        at: Date.parse(e.timestamp),
        sourceType: e.sourceType,
        sourceId: e.sourceId ?? null,
        userId: /^userId:(\d+)$/.exec(e.sourceId ?? "")?.[1] ?? (e.updatedByUserId === undefined ? null : String(e.updatedByUserId)),
      }))
      .sort((a, b) => a.at - b.at);
  }
  return {
    id: deal.id,
    createdAt: Date.parse(deal.createdAt),
    history,
    associations: (deal.associationLog ?? []).flatMap((a) => (isKind(a.toType) ? [{ kind: a.toType, toId: a.toId, removed: a.removed, at: a.at }] : [])),
    mergedInto: deal.mergedInto ?? null,
    mergedAt: deal.mergedInto === undefined ? null : (deal.archivedAt ?? null),
    mergesIn: (history.hs_merged_object_ids ?? []).map((e) => e.at),
  };
}

function isKind(k: string): k is TruthKind {
  return (KINDS as readonly string[]).includes(k);
}

function valueAt(entries: TruthEntry[] | undefined, at: number): string | null {
  let found: string | null = null;
  for (const e of entries ?? []) {
    if (e.at > at) break;
    found = e.value === "" ? null : e.value;
  }
  return found;
}

/** Association counts at `at`: every add and remove up to and including `at`, replayed. */
export function associationsAt(deal: TruthDeal, at: number): Record<TruthKind, number> {
  const members: Record<TruthKind, Set<string>> = { contacts: new Set(), companies: new Set(), line_items: new Set() };
  for (const a of [...deal.associations].sort((x, y) => x.at - y.at)) {
    if (a.at > at) break;
    if (a.removed) members[a.kind].delete(a.toId);
    else members[a.kind].add(a.toId);
  }
  return { contacts: members.contacts.size, companies: members.companies.size, line_items: members.line_items.size };
}

/** The deal's changes in time order: one per moment someone wrote announced properties (a save), creation first. */
export function changesOf(deal: TruthDeal, names: readonly string[]): TruthChange[] {
  const times = new Set<number>();
  for (const [name, entries] of Object.entries(deal.history)) {
    for (const e of entries) if (announced(name, e) && e.at >= deal.createdAt && !deal.mergesIn.includes(e.at)) times.add(e.at);
  }
  const all = new Set([...names, ...Object.keys(deal.history).filter((n) => !UNANNOUNCED.has(n) && !n.startsWith("governance_"))]);
  const out: TruthChange[] = [];
  for (const at of [...times].sort((a, b) => a - b)) {
    const kind = at === deal.createdAt ? "created" : "updated";
    const old: Record<string, string | null> = {};
    const next: Record<string, string | null> = {};
    const writes: Array<[string, TruthEntry]> = [];
    for (const name of all) {
      const entries = deal.history[name];
      next[name] = valueAt(entries, at);
      old[name] = kind === "created" ? null : valueAt(entries, at - 1);
      const here = entries?.find((e) => e.at === at && announced(name, e));
      if (here !== undefined) writes.push([name, here]);
    }
    const changed = writes.map(([name]) => name).filter((name) => kind === "created" ? next[name] !== null : true);
    const stageMoved = kind === "created" ? next.dealstage !== null : writes.some(([name]) => name === "dealstage") && old.dealstage !== next.dealstage;
    const by = (writes.find(([name]) => name === "dealstage") ?? writes[0])?.[1];
    const stageEntries = deal.history.dealstage ?? [];
    const entered = [...stageEntries].reverse().find((e) => e.at < at);
    out.push({
      dealId: deal.id,
      at,
      kind,
      changed,
      old,
      new: next,
      stageMoved,
      fromStage: stageMoved && kind === "updated" ? old.dealstage ?? null : null,
      toStage: next.dealstage ?? null,
      fromEnteredAt: stageMoved && kind === "updated" ? (entered?.at ?? null) : null,
      source: { changeSource: by?.sourceType ?? "CRM_UI", sourceId: by?.sourceType === "IMPORT" ? null : (by?.sourceId ?? null), userId: by?.userId ?? null },
      ...countsAround(deal, at),
    });
  }
  return out;
}

function countsAround(deal: TruthDeal, at: number): Pick<TruthChange, "associations" | "associationsBefore"> {
  const now = associationsAt(deal, at);
  const before = associationsAt(deal, at - 1);
  return KINDS.every((k) => now[k] === before[k]) ? { associations: now } : { associations: now, associationsBefore: before };
}

/**
 * The moments an association was added or removed while no property was written: the engine sees each as a change
 * (deal.associationChange) that can make the deal comply — a contact added for a skipped stage makes the skip good.
 */
export function associationMomentsOf(deal: TruthDeal, names: readonly string[], writes: ReadonlySet<number>): TruthChange[] {
  const times = [...new Set(deal.associations.map((a) => a.at))].filter((at) => at > deal.createdAt && !writes.has(at)).sort((a, b) => a - b);
  const all = new Set([...names, ...Object.keys(deal.history).filter((n) => !UNANNOUNCED.has(n) && !n.startsWith("governance_"))]);
  return times.map((at) => {
    const values: Record<string, string | null> = {};
    for (const name of all) values[name] = valueAt(deal.history[name], at);
    return {
      dealId: deal.id, at, kind: "updated", changed: [], old: values, new: values, stageMoved: false, fromStage: null,
      toStage: values.dealstage ?? null, fromEnteredAt: null, source: { changeSource: "CRM_UI", sourceId: null, userId: null },
      ...countsAround(deal, at), associationOnly: true,
    };
  });
}

/** Who owns which user, and who manages whom (the engine's MANAGER_MAP, or the teams' managers). */
export interface TruthDirectory {
  owners: SimOwner[];
  managerMap: Record<string, string>;
}

export function ownerForUser(dir: TruthDirectory, userId: string | null): SimOwner | null {
  return userId === null ? null : (dir.owners.find((o) => String(o.userId) === userId) ?? null);
}

export function managerOf(dir: TruthDirectory, ownerId: string | null): string | null {
  if (ownerId === null) return null;
  const direct = dir.managerMap[ownerId];
  if (direct !== undefined) return direct;
  const team = dir.owners.find((o) => o.id === ownerId)?.teams?.find((t) => t.primary)?.id;
  return team === undefined ? null : (dir.managerMap[`team:${team}`] ?? null);
}
