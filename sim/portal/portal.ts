// One simulated portal: identity, the CRM store, knobs, the call log, webhooks and limits wired together.
import { randomUUID } from "node:crypto";
import { RateLimiter } from "../limits/rate-limit";
import { buildWebhookEvent } from "../webhooks/events";
import { WebhookDispatcher } from "../webhooks/dispatcher";
import { DEFAULT_TIME_ZONE, FAULTS_DEFAULTS, LIMITS_DEFAULTS, WEBHOOK_DEFAULTS } from "./config";
import type { FaultsConfig, KnobsPatch, LimitsConfig, WebhookConfig } from "./config";
import { createRng, type Rng } from "./rng";
import { NativeRules } from "./native-rules";
import { PortalStore } from "./store";
import type { DomainEvent } from "./types";

export interface PortalIdentity {
  portalId: number;
  accessToken: string;
  appId: number;
  clientSecret: string;
  /** The account's time zone (IANA), as HubSpot's account-info API reports it; default US/Eastern. */
  timeZone?: string;
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
  /** HubSpot's own pipeline rules, configured through the pipelines-rules API (not persisted with --persist). */
  readonly native = new NativeRules();
  webhook: WebhookConfig;
  limits: LimitsConfig;
  faults: FaultsConfig;
  rng: Rng;
  /** Scopes the token lacks (a knob). */
  missingScopes: string[] = [];
  readonly calls: CallRecord[] = [];
  private callSeq = 0;
  private eventSeq: number;
  /** Called after every change, e.g. to persist. */
  onChange: (() => void) | null = null;

  constructor(readonly identity: PortalIdentity, readonly seed: number, readonly now: () => number = Date.now) {
    this.rng = createRng(seed);
    this.webhook = { ...WEBHOOK_DEFAULTS };
    this.limits = { ...LIMITS_DEFAULTS };
    this.faults = { ...FAULTS_DEFAULTS, script: [] };
    this.eventSeq = 1_000_000 + this.rng.int(0, 8_999_999) * 100;
    this.store = new PortalStore(now, (e) => this.announce(e));
    this.dispatcher = new WebhookDispatcher({ config: () => this.webhook, clientSecret: identity.clientSecret, rng: this.rng, now });
    this.limiter = new RateLimiter(() => this.limits, now, () => identity.timeZone ?? DEFAULT_TIME_ZONE);
  }

  /** Merges knob changes into the current ones: fields not sent keep their value. Validated by the control API. */
  applyKnobs(patch: KnobsPatch): void {
    if (patch.webhook) this.webhook = { ...this.webhook, ...definedOnly(patch.webhook) };
    if (patch.limits) this.limits = { ...this.limits, ...definedOnly(patch.limits) };
    if (patch.faults) {
      const faults = { ...this.faults, ...definedOnly(patch.faults) };
      // Copies: scripted entries are counted down in place as they fire.
      this.faults = { ...faults, script: faults.script.map((f) => ({ ...f })), errorStatuses: [...faults.errorStatuses] };
    }
    if (patch.requiredProperties) this.store.requiredRules = patch.requiredProperties;
    if (patch.missingScopes) this.missingScopes = [...patch.missingScopes];
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

/** Drops keys whose value is undefined, so an in-process caller's `{ flushMs: undefined }` changes nothing. */
function definedOnly<T extends object>(patch: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
