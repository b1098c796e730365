// Wire shapes of webhook deliveries shared by the dispatcher, the control API and the client.
import type { WebhookEvent } from "./events";

/** One attempt of one batch, as logged. */
export interface DeliveryLogEntry {
  deliveryId: string;
  batchId: string;
  attemptNumber: number;
  url: string;
  eventCount: number;
  eventIds: number[];
  mode: "push" | "outbox";
  sentAt: number;
  status: number | null; // null: connection failed or timed out
  error?: string;
  durationMs: number;
  /** When the next attempt is due, if one was scheduled. */
  retryAt?: number;
}

/** A signed request waiting in the outbox (no target URL): the test replays it and reports the status. */
export interface OutboxDelivery {
  deliveryId: string;
  batchId: string;
  attemptNumber: number;
  dueAt: number;
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
  events: WebhookEvent[];
}
