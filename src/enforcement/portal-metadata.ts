// Portal metadata for one processing run: pipelines/stages, deal property types, owners with teams and the
// manager map. Read from the D1 cache; fetched from HubSpot when missing, older than the TTL, or on a miss
// (an unknown stage or user) — at most once per run.
import type { HubSpotClient } from "../hubspot/client";
import type { HubSpotError } from "../hubspot/errors";
import { fetchDealProperties, fetchOwners, fetchPipelines } from "../hubspot/metadata";
import { usableTimeZone, type PortalPipeline, type PortalProperty, type PortalSchema, type PortalStage } from "../policy";
import type { Result } from "../result";
import {
  getCachedJson,
  listOwners,
  writeCachedJsonStatement,
  writeOwnersStatements,
  type CachedOwner,
} from "../store/metadata-cache";
import type { OwnerDirectory } from "./build-change";
import type { DealGroup } from "./group-events";
import { loadPortalTimeZone } from "./portal-time-zone";

export interface StageInfo {
  pipelineId: string;
  stage: PortalStage;
  index: number;
  isWon: boolean;
}

export interface PortalMetadata {
  schema: PortalSchema;
  stages: Map<string, StageInfo>;
  owners: Map<string, CachedOwner>;
  ownersByUser: Map<string, CachedOwner>;
  directory: OwnerDirectory;
  /** The portal's IANA time zone (UTC when HubSpot couldn't say): business days and "today" follow it. */
  timeZone: string;
  fetchedAt: number;
}

export interface MetadataOptions {
  db: D1Database;
  client: HubSpotClient;
  ttlMs: number;
  now: number;
  /** Parsed MANAGER_MAP: ownerId → manager ownerId, or "team:<teamId>" → manager ownerId. */
  managerMap: Record<string, string>;
  /** Property types when the portal doesn't serve /crm/v3/properties/deals (the bundled portal snapshot). */
  fallbackProperties: PortalProperty[];
  /** Identifies the portal/config the in-isolate memo belongs to. */
  memoKey: string;
}

function indexStages(pipelines: PortalPipeline[]): Map<string, StageInfo> {
  const out = new Map<string, StageInfo>();
  for (const p of pipelines) {
    p.stages.forEach((stage, index) => {
      out.set(stage.id, { pipelineId: p.id, stage, index, isWon: stage.isClosed && stage.probability === 1 });
    });
  }
  return out;
}

function buildDirectory(owners: Map<string, CachedOwner>, ownersByUser: Map<string, CachedOwner>, managerMap: Record<string, string>): OwnerDirectory {
  return {
    ownerTeams: (ownerId) => (ownerId === null ? [] : (owners.get(ownerId)?.teamIds ?? [])),
    ownerIdForUser: (userId) => (userId === null ? null : (ownersByUser.get(userId)?.id ?? null)),
    managerOf: (ownerId) => {
      if (ownerId === null) return null;
      const direct = managerMap[ownerId];
      if (direct !== undefined) return direct;
      const team = owners.get(ownerId)?.primaryTeamId;
      return team === null || team === undefined ? null : (managerMap[`team:${team}`] ?? null);
    },
  };
}

async function refreshPipelines(o: MetadataOptions): Promise<Result<PortalPipeline[], HubSpotError>> {
  const fetched = await fetchPipelines(o.client);
  if (fetched.ok) await writeCachedJsonStatement(o.db, "pipelines", fetched.value, o.now).run();
  return fetched;
}

async function refreshProperties(o: MetadataOptions): Promise<Result<PortalProperty[], HubSpotError>> {
  const fetched = await fetchDealProperties(o.client);
  // A portal (or simulator) without the properties endpoint: the bundled snapshot's types, cached like an answer.
  const value = fetched.ok ? fetched.value : fetched.error.kind === "not-found" ? o.fallbackProperties : null;
  if (value === null) return fetched;
  await writeCachedJsonStatement(o.db, "properties", value, o.now).run();
  return { ok: true, value };
}

async function refreshOwners(o: MetadataOptions): Promise<Result<CachedOwner[], HubSpotError>> {
  const fetched = await fetchOwners(o.client);
  if (!fetched.ok) return fetched;
  await o.db.batch(writeOwnersStatements(o.db, fetched.value, o.now));
  return { ok: true, value: fetched.value.filter((x) => !x.archived) };
}

/** Per-isolate memo of the last metadata (D1 stays the shared cache): saves three D1 reads per message in a burst. */
const MEMO_MS = 15_000;
let memo: { key: string; at: number; value: PortalMetadata } | null = null;

function knowsAll(m: PortalMetadata, needs: MetadataNeeds): boolean {
  return needs.stageIds.every((id) => m.stages.has(id)) && needs.ownerIds.every((id) => m.owners.has(id)) && needs.userIds.every((id) => m.ownersByUser.has(id));
}

export interface MetadataNeeds {
  stageIds: string[];
  ownerIds: string[];
  userIds: string[];
}

/** The stages, owners and users these deals' changes name: a cache that doesn't know one is refreshed. */
export function metadataNeeds(groups: DealGroup[]): MetadataNeeds {
  const changes = groups.flatMap((g) => g.changes);
  const present = (xs: string[]) => xs.filter((x) => x !== "");
  return {
    stageIds: present(changes.map((c) => c.values.get("dealstage") ?? "")),
    ownerIds: present(changes.map((c) => c.values.get("hubspot_owner_id") ?? "")),
    userIds: present(changes.map((c) => /^userId:(\d+)$/.exec(c.sourceId ?? "")?.[1] ?? "")),
  };
}

/**
 * Loads metadata from the cache, refreshing each part that is missing, stale, or doesn't know an id in `needs`
 * (refresh-on-miss is skipped when the cache is younger than a minute, so a bad id can't cause a fetch per run).
 */
export async function loadPortalMetadata(o: MetadataOptions, needs: MetadataNeeds): Promise<Result<PortalMetadata, HubSpotError>> {
  if (memo !== null && memo.key === o.memoKey && o.now - memo.at >= 0 && o.now - memo.at < Math.min(MEMO_MS, o.ttlMs) && knowsAll(memo.value, needs)) {
    return { ok: true, value: memo.value };
  }
  const loaded = await loadFromCache(o, needs);
  if (loaded.ok) memo = { key: o.memoKey, at: o.now, value: loaded.value };
  return loaded;
}

async function loadFromCache(o: MetadataOptions, needs: MetadataNeeds): Promise<Result<PortalMetadata, HubSpotError>> {
  const fresh = (at: number | null, missing: boolean) => at !== null && o.now - at < o.ttlMs && !(missing && o.now - at > 60_000);

  const cachedPipelines = await getCachedJson<PortalPipeline[]>(o.db, "pipelines");
  let pipelines = cachedPipelines?.value ?? [];
  const knownStages = indexStages(pipelines);
  const stageMiss = needs.stageIds.some((id) => !knownStages.has(id));
  if (!fresh(cachedPipelines?.fetchedAt ?? null, stageMiss)) {
    const r = await refreshPipelines(o);
    if (!r.ok) return r;
    pipelines = r.value;
  }

  const cachedProperties = await getCachedJson<PortalProperty[]>(o.db, "properties");
  let properties = cachedProperties?.value ?? [];
  if (!fresh(cachedProperties?.fetchedAt ?? null, false)) {
    const r = await refreshProperties(o);
    if (!r.ok) return r;
    properties = r.value;
  }

  const cachedOwners = await listOwners(o.db);
  let ownerList = cachedOwners.owners;
  const ids = new Set(ownerList.map((x) => x.id));
  const users = new Set(ownerList.flatMap((x) => (x.userId === null ? [] : [x.userId])));
  const ownerMiss = needs.ownerIds.some((id) => !ids.has(id)) || needs.userIds.some((id) => !users.has(id));
  if (!fresh(cachedOwners.fetchedAt, ownerMiss)) {
    const r = await refreshOwners(o);
    if (!r.ok) return r;
    ownerList = r.value;
  }

  const zone = await loadPortalTimeZone(o.db, o.client, o.now);
  return { ok: true, value: portalMetadataOf({ pipelines, properties, timeZone: zone.timeZone }, ownerList, o.managerMap, o.now) };
}

/** The metadata of a schema and owner list already in hand (a back-test's, read once); the schema's zone or UTC. Pure. */
export function portalMetadataOf(schema: PortalSchema, ownerList: CachedOwner[], managerMap: Record<string, string>, fetchedAt: number): PortalMetadata {
  const owners = new Map(ownerList.map((x) => [x.id, x]));
  const ownersByUser = new Map(ownerList.flatMap((x) => (x.userId === null ? [] : [[x.userId, x] as const])));
  const timeZone = usableTimeZone(schema.timeZone);
  return { schema, stages: indexStages(schema.pipelines), owners, ownersByUser, directory: buildDirectory(owners, ownersByUser, managerMap), timeZone, fetchedAt };
}
