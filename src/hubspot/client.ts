// The HubSpot gateway's SDK construction: only the codegen modules the engine calls (deals, tasks, pipelines,
// owners, associations v4, properties), over the Worker's own fetch. Never import "@hubspot/api-client" (the whole client).
import {
  BasicApi as DealsBasicApi,
  BatchApi as DealsBatchApi,
  SearchApi as DealsSearchApi,
  ResponseContext as DealsResponse,
  ServerConfiguration as DealsServer,
  createConfiguration as createDealsConfiguration,
  wrapHttpLibrary as wrapDealsHttp,
} from "@hubspot/api-client/lib/codegen/crm/deals/index.js";
import {
  BasicApi as TasksBasicApi,
  BatchApi as TasksBatchApi,
  ResponseContext as TasksResponse,
  ServerConfiguration as TasksServer,
  createConfiguration as createTasksConfiguration,
  wrapHttpLibrary as wrapTasksHttp,
} from "@hubspot/api-client/lib/codegen/crm/objects/tasks/index.js";
import {
  PipelinesApi,
  ResponseContext as PipelinesResponse,
  ServerConfiguration as PipelinesServer,
  createConfiguration as createPipelinesConfiguration,
  wrapHttpLibrary as wrapPipelinesHttp,
} from "@hubspot/api-client/lib/codegen/crm/pipelines/index.js";
import {
  OwnersApi,
  ResponseContext as OwnersResponse,
  ServerConfiguration as OwnersServer,
  createConfiguration as createOwnersConfiguration,
  wrapHttpLibrary as wrapOwnersHttp,
} from "@hubspot/api-client/lib/codegen/crm/owners/index.js";
import {
  BasicApi as AssociationsBasicApi,
  BatchApi as AssociationsBatchApi,
  ResponseContext as AssociationsResponse,
  ServerConfiguration as AssociationsServer,
  createConfiguration as createAssociationsConfiguration,
  wrapHttpLibrary as wrapAssociationsHttp,
} from "@hubspot/api-client/lib/codegen/crm/associations/v4/index.js";
import {
  CoreApi as PropertiesCoreApi,
  GroupsApi as PropertiesGroupsApi,
  ResponseContext as PropertiesResponse,
  ServerConfiguration as PropertiesServer,
  createConfiguration as createPropertiesConfiguration,
  wrapHttpLibrary as wrapPropertiesHttp,
} from "@hubspot/api-client/lib/codegen/crm/properties/index.js";
import { RAW_ERROR_BODY_HEADER } from "./errors";
import type { PipelineRulesClient } from "./pipeline-rules";

export interface HubSpotCall {
  method: string;
  url: string;
  status: number; // 0 = no answer (timeout, connection failure)
  headers: Record<string, string>;
  ms: number;
}

export interface HubSpotClientOptions {
  accessToken: string;
  basePath: string;
  /** Per-request timeout; HubSpot's own answer time is well under this. */
  timeoutMs?: number;
  /** Observes every HTTP call (counting, rate-limit headers). */
  onCall?: (call: HubSpotCall) => void;
  fetch?: typeof fetch;
}

export interface HubSpotClient {
  deals: { basic: DealsBasicApi; batch: DealsBatchApi; search: DealsSearchApi };
  tasks: { basic: TasksBasicApi; batch: TasksBatchApi };
  pipelines: PipelinesApi;
  owners: OwnersApi;
  associations: { basic: AssociationsBasicApi; batch: AssociationsBatchApi };
  properties: PropertiesCoreApi;
  /** The pipelines-rules API (no SDK module): same base URL, token, fetch and call observer. */
  pipelineRules: PipelineRulesClient;
  propertyGroups: PropertiesGroupsApi;
}

/** What the codegen request objects share (each module declares its own RequestContext class). */
interface OutgoingRequest {
  getHttpMethod(): { toString(): string };
  getUrl(): string;
  getHeaders(): Record<string, string>;
  getBody(): unknown;
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: { text(): Promise<string>; binary(): Promise<Buffer> };
}

/** Sends one codegen request with the Worker's fetch (the modules' default is node-fetch). */
function createSender(options: HubSpotClientOptions): (request: OutgoingRequest) => Promise<RawAnswer> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async function sendViaFetch(request) {
    const started = Date.now();
    const method = request.getHttpMethod().toString();
    // The owners codegen asks for "/crm/v3/owners/": HubSpot ignores the trailing slash, stricter servers don't.
    const url = request.getUrl().replace(/\/(?=\?|$)/, "");
    const body = request.getBody();
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: request.getHeaders(),
        body: typeof body === "string" ? body : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      options.onCall?.({ method, url, status: 0, headers: {}, ms: Date.now() - started });
      throw err;
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const text = await response.text();
    if (response.status >= 300) headers[RAW_ERROR_BODY_HEADER] = text.slice(0, 4000);
    options.onCall?.({ method, url, status: response.status, headers, ms: Date.now() - started });
    return {
      status: response.status,
      headers,
      body: { text: async () => text, binary: async () => Buffer.from(new TextEncoder().encode(text)) },
    };
  };
}

/** Builds the narrow client. No retries inside: a failed call is retried by re-queueing the message. */
export function createHubSpotClient(options: HubSpotClientOptions): HubSpotClient {
  const send = createSender(options);
  const authMethods = { oauth2: { accessToken: options.accessToken }, oauth2_legacy: { accessToken: options.accessToken } };
  const base = options.basePath.replace(/\/+$/, "");
  const deals = createDealsConfiguration({
    baseServer: new DealsServer(base, {}),
    authMethods,
    httpApi: wrapDealsHttp({ send: async (r) => { const a = await send(r); return new DealsResponse(a.status, a.headers, a.body); } }),
  });
  const tasks = createTasksConfiguration({
    baseServer: new TasksServer(base, {}),
    authMethods,
    httpApi: wrapTasksHttp({ send: async (r) => { const a = await send(r); return new TasksResponse(a.status, a.headers, a.body); } }),
  });
  const pipelines = createPipelinesConfiguration({
    baseServer: new PipelinesServer(base, {}),
    authMethods,
    httpApi: wrapPipelinesHttp({ send: async (r) => { const a = await send(r); return new PipelinesResponse(a.status, a.headers, a.body); } }),
  });
  const owners = createOwnersConfiguration({
    baseServer: new OwnersServer(base, {}),
    authMethods,
    httpApi: wrapOwnersHttp({ send: async (r) => { const a = await send(r); return new OwnersResponse(a.status, a.headers, a.body); } }),
  });
  const assoc = createAssociationsConfiguration({
    baseServer: new AssociationsServer(base, {}),
    authMethods,
    httpApi: wrapAssociationsHttp({ send: async (r) => { const a = await send(r); return new AssociationsResponse(a.status, a.headers, a.body); } }),
  });
  const props = createPropertiesConfiguration({
    baseServer: new PropertiesServer(base, {}),
    authMethods,
    httpApi: wrapPropertiesHttp({ send: async (r) => { const a = await send(r); return new PropertiesResponse(a.status, a.headers, a.body); } }),
  });
  return {
    deals: { basic: new DealsBasicApi(deals), batch: new DealsBatchApi(deals), search: new DealsSearchApi(deals) },
    tasks: { basic: new TasksBasicApi(tasks), batch: new TasksBatchApi(tasks) },
    pipelines: new PipelinesApi(pipelines),
    owners: new OwnersApi(owners),
    associations: { basic: new AssociationsBasicApi(assoc), batch: new AssociationsBatchApi(assoc) },
    properties: new PropertiesCoreApi(props),
    pipelineRules: { baseUrl: base, accessToken: options.accessToken, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.onCall ? { onCall: options.onCall } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) },
    propertyGroups: new PropertiesGroupsApi(props),
  };
}
