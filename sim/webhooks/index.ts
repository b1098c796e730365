// HubSpot-style webhook delivery: events from store changes, batches under 100, v3 signatures, push or outbox,
// retries with attemptNumber increasing. It must never change CRM data.
export { buildWebhookEvent, type WebhookEvent } from "./events";
export { retryDelayMs, WebhookDispatcher } from "./dispatcher";
export { decodeSignedUri, signedHeaders, signV1, signV3 } from "./signing";
export type { DeliveryLogEntry, OutboxDelivery } from "./types";
