// Typed client of the simulator's control API. fetch only — no Node imports — so workerd tests can use it too.
// It never talks to the CRM API: engine code does that, with the portal's token, like it would with HubSpot.
import type { WebhookEvent } from "./webhooks/events";

export type { WebhookEvent };

export type Actor =
  | { kind: "user"; userId?: number; ownerId?: string; superAdmin?: boolean }
  | { kind: "bulk"; userId?: number; ownerId?: string; superAdmin?: boolean }
  | { kind: "import"; importId?: string }
  | { kind: "workflow"; workflowId?: string }
  | { kind: "integration"; appId?: string }
  | { kind: "api"; sourceId?: string; userId?: number };

export interface PortalInfo {
  portalId: number;
  accessToken: string;
  appId: string;
  clientSecret: string;
  baseUrl: string;
  webhook: { url: string; mode: "push" | "outbox" };
}

export interface WebhookKnobs {
  url: string; mode: "push" | "outbox"; enabled: boolean; batchMax: number; flushMs: number; timeoutMs: number; concurrency: number;
  maxRetries: number; retryBaseMs: number; retryFactor: number; duplicateRate: number; outOfOrder: boolean;
  subscribedProperties: "*" | string[]; genericSubscriptions: boolean;
}
export interface LimitKnobs { enabled: boolean; tenSecondlyMax: number; intervalMs: number; dailyMax: number; searchPerSecond: number }
/**
 * One scripted answer: the next `count` matching requests get `status` (0 = hang, then 504). With `afterApply` the
 * request is processed first (the write commits, webhooks go out) and only the answer fails.
 */
export interface ScriptedFault { status: number; count?: number; method?: string; pathIncludes?: string; afterApply?: boolean; failInputs?: number[] }
export interface FaultKnobs { errorRate: number; errorStatuses: number[]; latencyMs: number; hangRate: number; hangMs: number; script: ScriptedFault[] }
export interface RequiredRule { pipelineId?: string; stageId: string; properties: string[] }
export interface Knobs { webhook?: Partial<WebhookKnobs>; limits?: Partial<LimitKnobs>; faults?: Partial<FaultKnobs>; requiredProperties?: RequiredRule[]; missingScopes?: string[] }
export interface CreatePortalOptions extends Knobs { portalId?: number; accessToken?: string; appId?: number; clientSecret?: string; seed?: number; timeZone?: string }

export interface SeedSpec {
  pipelines?: "default" | "default+renewals" | Array<{ id: string; label: string; stages: Array<{ id: string; label: string; probability?: string; isClosed?: boolean }> }>;
  teams?: number; ownersPerTeam?: number; deals?: number; historyDays?: number;
}
export interface SimOwner { id: string; userId: number; email: string; firstName: string; lastName: string; teams: Array<{ id: string; primary: boolean }> }
export interface SimTeam { id: string; name: string; managerOwnerId: string | null; memberOwnerIds: string[] }
export interface SeedSummary { pipelines: string[]; owners: SimOwner[]; teams: Array<Omit<SimTeam, "memberOwnerIds">>; dealIds: string[] }
export interface HistoryEntry { value: string; timestamp: string; sourceType: string; sourceId?: string; sourceLabel?: string; updatedByUserId?: number }
export interface SimDeal {
  id: string; properties: Record<string, string>; history: Record<string, HistoryEntry[]>; archived: boolean; createdAt: string; updatedAt: string;
  associations: { contacts: string[]; companies: string[]; line_items: string[]; tasks: string[] };
  /** Ground truth HubSpot doesn't keep: every association change with its time (merges included). */
  associationLog?: Array<{ toType: string; toId: string; removed: boolean; at: number; via?: "merge" }>;
  /** A merged-away deal: the deal it went into, and when (archivedAt). */
  mergedInto?: string;
  archivedAt?: number;
}
export interface SimTask { id: string; properties: Record<string, string>; dealIds: string[] }
export interface CallRecord { seq: number; at: number; method: string; path: string; body: unknown; status: number; response: unknown; durationMs: number }
export interface DeliveryLogEntry {
  deliveryId: string; batchId: string; attemptNumber: number; url: string; eventCount: number; eventIds: number[]; mode: "push" | "outbox";
  sentAt: number; status: number | null; error?: string; durationMs: number; retryAt?: number;
}
export interface OutboxDelivery { deliveryId: string; batchId: string; attemptNumber: number; dueAt: number; url: string; method: "POST"; headers: Record<string, string>; body: string; events: WebhookEvent[] }
export interface DispatcherStats { gathered: number; queued: number; inFlight: number; awaitingReport: number; logged: number; droppedFromOutbox: number }
export interface NativeRefusalRecord { code: string; message: string; pipelineId: string; stageId: string; at: number; dealId: string | null; sourceType: string; userId: number | null }
export type PropertyInput = Record<string, string | number | null>;

/** The engine's environment for a portal (what wrangler vars / miniflare bindings need). */
export interface EngineEnvVars { HUBSPOT_BASE_URL: string; HUBSPOT_ACCESS_TOKEN: string; HUBSPOT_CLIENT_SECRET: string; HUBSPOT_APP_ID: string; HUBSPOT_PORTAL_ID: string }

export class SimError extends Error {
  /** `body`: the whole answer (e.g. `hubspot`, HubSpot's error body, when a native pipeline rule refused a write). */
  constructor(readonly status: number, readonly code: string, message: string, readonly body: unknown = null) {
    super(`simulator ${status} ${code}: ${message}`);
    this.name = "SimError";
  }
}

type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

async function call<T>(fetcher: Fetcher, url: string, method: string, body?: unknown): Promise<T> {
  const res = await fetcher(url, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) {
    let code = "HTTP_ERROR";
    let message = text;
    let body: unknown = null;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      body = parsed;
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? text;
    } catch (e) {
      message = `${text} (${e instanceof Error ? e.message : "unparseable"})`;
    }
    throw new SimError(res.status, code, message, body);
  }
  return (text === "" ? undefined : JSON.parse(text)) as T;
}

/** Entry point: `new SimClient(simUrl).createPortal()` gives an isolated portal. Methods throw SimError on 4xx/5xx. */
export class SimClient {
  private readonly fetcher: Fetcher;
  constructor(readonly baseUrl: string, fetcher?: Fetcher) {
    this.fetcher = fetcher ?? ((input, init) => fetch(input, init));
  }

  health(): Promise<{ ok: boolean; portals: number }> {
    return call(this.fetcher, `${this.baseUrl}/_sim/health`, "GET");
  }

  async createPortal(options: CreatePortalOptions = {}): Promise<SimPortal> {
    const info = await call<PortalInfo>(this.fetcher, `${this.baseUrl}/_sim/portals`, "POST", options);
    return new SimPortal(this.baseUrl, info, this.fetcher);
  }

  async listPortals(): Promise<PortalInfo[]> {
    return (await call<{ portals: PortalInfo[] }>(this.fetcher, `${this.baseUrl}/_sim/portals`, "GET")).portals;
  }

  /** A handle on an existing portal, e.g. the default one (`portalId` 62515 for `npm run sim`). */
  async portal(portalId: number): Promise<SimPortal> {
    const info = await call<PortalInfo>(this.fetcher, `${this.baseUrl}/_sim/portals/${portalId}`, "GET");
    return new SimPortal(this.baseUrl, info, this.fetcher);
  }
}

export class SimPortal {
  private readonly root: string;
  constructor(readonly simUrl: string, readonly info: PortalInfo, private readonly fetcher: Fetcher) {
    this.root = `${simUrl}/_sim/portals/${info.portalId}`;
  }

  private req<T>(method: string, path: string, body?: unknown): Promise<T> {
    return call<T>(this.fetcher, `${this.root}${path}`, method, body);
  }

  /** Vars for the engine pointing at this portal. */
  engineEnv(): EngineEnvVars {
    return { HUBSPOT_BASE_URL: this.simUrl, HUBSPOT_ACCESS_TOKEN: this.info.accessToken, HUBSPOT_CLIENT_SECRET: this.info.clientSecret, HUBSPOT_APP_ID: this.info.appId, HUBSPOT_PORTAL_ID: String(this.info.portalId) };
  }

  seed(spec: SeedSpec = {}): Promise<SeedSummary> { return this.req("POST", "/seed", spec); }
  reset(): Promise<PortalInfo> { return this.req("POST", "/reset"); }
  /** Merges into the current knobs: fields not sent keep their value (lists such as `faults.script` are replaced). */
  setKnobs(knobs: Knobs): Promise<Required<Knobs>> { return this.req("PATCH", "/knobs", knobs); }
  resetLimits(): Promise<{ ok: true }> { return this.req("POST", "/limits/reset"); }
  destroy(): Promise<void> { return this.req("DELETE", ""); }

  owners(): Promise<SimOwner[]> { return this.req<{ owners: SimOwner[] }>("GET", "/owners").then((r) => r.owners); }
  teams(): Promise<{ teams: SimTeam[]; managerMap: Record<string, string> }> { return this.req("GET", "/teams"); }

  createDeal(input: { properties: PropertyInput; as?: Actor; associations?: { contacts?: number; companies?: number; line_items?: number } }): Promise<SimDeal> {
    return this.req("POST", "/deals", input);
  }
  updateDeal(id: string, properties: PropertyInput, as?: Actor): Promise<{ changed: string[]; deal: SimDeal }> {
    return this.req("PATCH", `/deals/${id}`, { properties, as });
  }
  moveStage(id: string, stageId: string, opts: { pipelineId?: string; properties?: PropertyInput; as?: Actor } = {}): Promise<{ changed: string[]; deal: SimDeal }> {
    return this.req("POST", `/deals/${id}/stage`, { stageId, ...opts });
  }
  importRows(rows: Array<{ id?: string; properties: PropertyInput }>, importId?: string): Promise<{ results: Array<{ ok: boolean; id: string | null; error?: string }> }> {
    return this.req("POST", "/import", { rows, importId });
  }
  merge(primaryId: string, mergedId: string, as?: Actor): Promise<SimDeal> { return this.req("POST", "/merge", { primaryId, mergedId, as }); }
  deleteDeal(id: string, as?: Actor): Promise<{ ok: true }> { return this.req("POST", `/deals/${id}/delete`, { as }); }
  restoreDeal(id: string, as?: Actor): Promise<{ ok: true }> { return this.req("POST", `/deals/${id}/restore`, { as }); }
  associate(dealId: string, toType: "contacts" | "companies" | "line_items", opts: { toId?: string; properties?: Record<string, string>; remove?: boolean; as?: Actor } = {}): Promise<{ ok: true; toId: string }> {
    return this.req("POST", `/deals/${dealId}/associations`, { toType, ...opts });
  }

  /** Plays `weeks` of the demo's past (moves, mistakes, fixes at simulated times); their webhooks wait in the outbox or are pushed. */
  backfill(spec: { weeks: number; seed?: number; now?: number }): Promise<{ steps: number; fixes: number; changes: number; from: number; to: number }> {
    return this.req("POST", "/scenario/backfill", spec);
  }

  /** An approver approves or rejects a deal's approval (HubSpot's approval stage must be configured). */
  decideApproval(dealId: string, decision: "APPROVED" | "REJECTED", userId: number): Promise<{ objectId: string; status: string }> {
    return this.req("POST", `/deals/${dealId}/approval`, { decision, userId });
  }
  /** Writes HubSpot's native pipeline rules refused (nothing was saved for them). */
  nativeRefusals(): Promise<NativeRefusalRecord[]> { return this.req<{ refusals: NativeRefusalRecord[] }>("GET", "/native/refusals").then((r) => r.refusals); }

  getDeal(id: string): Promise<SimDeal> { return this.req("GET", `/deals/${id}`); }
  listDeals(opts: { archived?: boolean } = {}): Promise<SimDeal[]> { return this.req<{ deals: SimDeal[] }>("GET", `/deals${opts.archived ? "?archived=true" : ""}`).then((r) => r.deals); }
  listTasks(dealId?: string): Promise<SimTask[]> { return this.req<{ tasks: SimTask[] }>("GET", `/tasks${dealId ? `?dealId=${encodeURIComponent(dealId)}` : ""}`).then((r) => r.tasks); }

  /** Every CRM request the engine made (method, path, body, status, answer). */
  calls(filter: { since?: number; method?: string; pathIncludes?: string } = {}): Promise<CallRecord[]> {
    const q = new URLSearchParams();
    if (filter.since !== undefined) q.set("since", String(filter.since));
    if (filter.method) q.set("method", filter.method);
    if (filter.pathIncludes) q.set("pathIncludes", filter.pathIncludes);
    return this.req<{ calls: CallRecord[] }>("GET", `/calls?${q.toString()}`).then((r) => r.calls);
  }
  clearCalls(): Promise<void> { return this.req("DELETE", "/calls"); }

  deliveries(): Promise<{ deliveries: DeliveryLogEntry[]; stats: DispatcherStats }> { return this.req("GET", "/deliveries"); }
  flushWebhooks(): Promise<DispatcherStats> { return this.req("POST", "/webhooks/flush"); }
  /** Push mode: waits until every batch is delivered or given up (or timeoutMs). */
  waitForWebhooks(timeoutMs = 10_000): Promise<DispatcherStats & { idle: boolean }> { return this.req("POST", "/webhooks/idle", { timeoutMs }); }

  /** Outbox mode: signed deliveries ready to replay. `includeScheduled` also hands out retries not yet due. */
  takeDeliveries(opts: { max?: number; includeScheduled?: boolean } = {}): Promise<OutboxDelivery[]> {
    return this.req<{ deliveries: OutboxDelivery[] }>("POST", "/outbox/take", opts).then((r) => r.deliveries);
  }
  reportDelivery(deliveryId: string, status: number | null, error?: string): Promise<{ ok: true }> {
    return this.req("POST", `/outbox/${encodeURIComponent(deliveryId)}/result`, { status, error });
  }

  /**
   * Outbox mode: takes the waiting deliveries, replays each as a Request into `handler` (e.g. the Worker's
   * `exports.default.fetch`), reports each status back (so non-2xx are retried), and returns what happened.
   */
  async deliverTo(handler: (request: Request) => Promise<Response>, opts: { max?: number; includeScheduled?: boolean } = {}): Promise<Array<{ delivery: OutboxDelivery; status: number | null }>> {
    const taken = await this.takeDeliveries(opts);
    const out: Array<{ delivery: OutboxDelivery; status: number | null }> = [];
    for (const delivery of taken) {
      let status: number | null = null;
      let error: string | undefined;
      try {
        const res = await handler(new Request(delivery.url, { method: delivery.method, headers: delivery.headers, body: delivery.body }));
        status = res.status;
        await res.arrayBuffer();
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      await this.reportDelivery(delivery.deliveryId, status, error);
      out.push({ delivery, status });
    }
    return out;
  }
}
