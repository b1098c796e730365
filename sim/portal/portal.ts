// One simulated portal: identity, the CRM store, knobs, the call log, webhooks and limits wired together.
import { randomUUID } from "node:crypto";
import { RateLimiter } from "../limits/rate-limit";
import { buildWebhookEvent } from "../webhooks/events";
import { WebhookDispatcher } from "../webhooks/dispatcher";
import { FaultsConfigSchema, LimitsConfigSchema, WebhookConfigSchema } from "./config";
import type { FaultsConfig, KnobsPatch, LimitsConfig, WebhookConfig } from "./config";
import { createRng, type Rng } from "./rng";
import { PortalStore } from "./store";
import type { DomainEvent } from "./types";

export interface PortalIdentity {
  portalId: number;
  accessToken: string;
  appId: number;
  clientSecret: string;
}

export interface CallRecord {
  seq: number;
  at: number;
  method: string;
  path: string;
  body: unknown;
  status: number;
  response: unknown;
  durationMs: number;
}

const CALL_LOG_LIMIT = 20_000;

export class Portal {
  readonly store: PortalStore;
  readonly dispatcher: WebhookDispatcher;
  readonly limiter: RateLimiter;
  webhook: WebhookConfig;
  limits: LimitsConfig;
  faults: FaultsConfig;
  rng: Rng;
  readonly calls: CallRecord[] = [];
  private callSeq = 0;
  private eventSeq: number;
  /** Called after every change, e.g. to persist. */
  onChange: (() => void) | null = null;

  constructor(readonly identity: PortalIdentity, readonly seed: number, readonly now: () => number = Date.now) {
    this.rng = createRng(seed);
    this.webhook = WebhookConfigSchema.parse({});
    this.limits = LimitsConfigSchema.parse({});
    this.faults = FaultsConfigSchema.parse({});
    this.eventSeq = 1_000_000 + this.rng.int(0, 8_999_999) * 100;
    this.store = new PortalStore(now, (e) => this.announce(e));
    this.dispatcher = new WebhookDispatcher({ config: () => this.webhook, clientSecret: identity.clientSecret, rng: this.rng, now });
    this.limiter = new RateLimiter(() => this.limits, now);
  }

  /** Applies knob changes (partial). Values were validated by the control API's schemas. */
  applyKnobs(patch: KnobsPatch): void {
    if (patch.webhook) this.webhook = WebhookConfigSchema.parse({ ...this.webhook, ...patch.webhook });
    if (patch.limits) this.limits = LimitsConfigSchema.parse({ ...this.limits, ...patch.limits });
    if (patch.faults) this.faults = FaultsConfigSchema.parse({ ...this.faults, ...patch.faults });
    if (patch.requiredProperties) this.store.requiredRules = patch.requiredProperties;
  }

  logCall(entry: Omit<CallRecord, "seq">): CallRecord {
    const record = { seq: ++this.callSeq, ...entry };
    this.calls.push(record);
    if (this.calls.length > CALL_LOG_LIMIT) this.calls.splice(0, this.calls.length - CALL_LOG_LIMIT);
    return record;
  }

  correlationId(): string {
    return randomUUID();
  }

  close(): void {
    this.dispatcher.close();
  }

  private announce(change: DomainEvent): void {
    const event = buildWebhookEvent(change, { portalId: this.identity.portalId, appId: this.identity.appId, eventId: this.eventSeq + 1, config: this.webhook });
    if (event) {
      this.eventSeq += 1;
      this.dispatcher.enqueue(event);
    }
    this.onChange?.();
  }
}
