// Builds HubSpot-style webhook requests for tests: deal events and v3-signed requests with the test secret.
import { env } from "cloudflare:workers";
import { computeV3 } from "../../src/hubspot/signature";

export const WEBHOOK_URL = "https://gov.example.com/webhooks/hubspot";

let nextEventId = 1;

/** A deal.propertyChange event as HubSpot sends it. */
export function dealEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: nextEventId++,
    subscriptionId: 200,
    portalId: 62515,
    appId: 9393361,
    occurredAt: 1_700_000_000_000 + nextEventId,
    subscriptionType: "deal.propertyChange",
    attemptNumber: 0,
    objectId: 9001,
    propertyName: "dealstage",
    propertyValue: "closedwon",
    changeSource: "CRM_UI",
    sourceId: "userId:123",
    ...overrides,
  };
}

export interface SignOptions {
  url?: string;
  method?: string;
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
}

/** A request signed with v3 (HMAC over method + decoded URI + body + timestamp). */
export async function signedRequest(body: string, options: SignOptions = {}): Promise<Request> {
  const url = options.url ?? WEBHOOK_URL;
  const method = options.method ?? "POST";
  const timestamp = String(options.timestamp ?? Date.now());
  const secret = options.secret ?? env.HUBSPOT_CLIENT_SECRET ?? "";
  const signature = await computeV3(secret, method, url, new TextEncoder().encode(body), timestamp);
  return new Request(url, {
    method,
    body: method === "GET" || method === "HEAD" ? undefined : body,
    headers: {
      "content-type": "application/json",
      "x-hubspot-signature-v3": signature,
      "x-hubspot-request-timestamp": timestamp,
      ...options.headers,
    },
  });
}

/** A Queue stand-in that records what the ingress sends, so a test can see exactly what was enqueued. */
export function recordingQueue<T>(): Queue<T> & { sent: MessageSendRequest<T>[] } {
  const sent: MessageSendRequest<T>[] = [];
  const metrics = { backlogCount: 0, backlogBytes: 0 };
  return {
    sent,
    async metrics() {
      return metrics;
    },
    async send(body: T) {
      sent.push({ body });
      return { metadata: { metrics } };
    },
    async sendBatch(messages: Iterable<MessageSendRequest<T>>) {
      sent.push(...messages);
      return { metadata: { metrics } };
    },
  };
}
