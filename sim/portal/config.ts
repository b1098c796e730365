// A portal's knobs: webhook delivery, rate limits, faults. zod schemas because they arrive over the control API.
// Defaults live in plain objects, not in `.default()`: zod 4 fills defaults inside `.partial()`, so a PATCH that
// sends one field would otherwise reset every other one.
import { z } from "zod";

export const WebhookConfigSchema = z.object({
  /** The URL HubSpot "calls": POSTed to in push mode, only signed in outbox mode. */
  url: z.string().url(),
  mode: z.enum(["push", "outbox"]),
  enabled: z.boolean(),
  /** Largest batch; HubSpot sends fewer than 100 per request, sizes vary. */
  batchMax: z.number().int().min(1).max(99),
  /** How long events gather before a batch leaves (ms). */
  flushMs: z.number().int().min(0),
  timeoutMs: z.number().int().min(1),
  concurrency: z.number().int().min(1),
  /** HubSpot: up to 10 retries over 24 h; here the same count on a compressed, exponential schedule. */
  maxRetries: z.number().int().min(0),
  retryBaseMs: z.number().int().min(0),
  retryFactor: z.number().min(1),
  duplicateRate: z.number().min(0).max(1),
  outOfOrder: z.boolean(),
  /** Property names with a deal.propertyChange subscription; "*" = every writable deal property. */
  subscribedProperties: z.union([z.literal("*"), z.array(z.string())]),
  /** Use the generic `object.*` spelling with objectTypeId 0-3 instead of `deal.*`. */
  genericSubscriptions: z.boolean(),
});
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;
export const WEBHOOK_DEFAULTS: WebhookConfig = {
  url: "http://127.0.0.1:8787/webhooks/hubspot",
  mode: "outbox",
  enabled: true,
  batchMax: 99,
  flushMs: 20,
  timeoutMs: 5000,
  concurrency: 10,
  maxRetries: 10,
  retryBaseMs: 500,
  retryFactor: 2,
  duplicateRate: 0,
  outOfOrder: false,
  subscribedProperties: "*",
  genericSubscriptions: false,
};

export const LimitsConfigSchema = z.object({
  enabled: z.boolean(),
  tenSecondlyMax: z.number().int().min(1),
  intervalMs: z.number().int().min(1),
  dailyMax: z.number().int().min(1),
  searchPerSecond: z.number().int().min(1),
});
export type LimitsConfig = z.infer<typeof LimitsConfigSchema>;
export const LIMITS_DEFAULTS: LimitsConfig = {
  enabled: true,
  tenSecondlyMax: 190,
  intervalMs: 10_000,
  dailyMax: 1_000_000,
  searchPerSecond: 5,
};

export const ScriptedFaultSchema = z.object({
  status: z.number().int().min(0).max(599),
  count: z.number().int().min(1).default(1),
  method: z.string().optional(),
  pathIncludes: z.string().optional(),
  /** The request is processed (the write commits, webhooks go out) and only then answered with `status` (0 = hang):
   *  "the write happened but the answer failed", which the engine must survive without duplicating. */
  afterApply: z.boolean().optional(),
  /** With `status: 207` on a batch create/update: these input positions fail (VALIDATION_ERROR), the rest are applied
   *  and the answer is HubSpot's 207 Multi-Status with `results` and `errors` (default: the first input). */
  failInputs: z.array(z.number().int().min(0)).optional(),
});
export type ScriptedFault = z.infer<typeof ScriptedFaultSchema>;

export const FaultsConfigSchema = z.object({
  /** Share of CRM requests answered with one of `errorStatuses`. */
  errorRate: z.number().min(0).max(1),
  errorStatuses: z.array(z.number().int().min(500).max(599)),
  latencyMs: z.number().int().min(0),
  /** Share of CRM requests that hang (no answer for `hangMs`, then 504). */
  hangRate: z.number().min(0).max(1),
  hangMs: z.number().int().min(1),
  /** Deterministic faults, consumed in order: the next matching requests get `status` (0 = hang). A patch replaces the list. */
  script: z.array(ScriptedFaultSchema),
});
export type FaultsConfig = z.infer<typeof FaultsConfigSchema>;
export const FAULTS_DEFAULTS: FaultsConfig = {
  errorRate: 0,
  errorStatuses: [500, 502, 503],
  latencyMs: 0,
  hangRate: 0,
  hangMs: 30_000,
  script: [],
};

export const RequiredRuleSchema = z.object({ pipelineId: z.string().optional(), stageId: z.string(), properties: z.array(z.string()).min(1) });

/** A partial update: fields not sent keep their current value (arrays are replaced, not merged). */
export const KnobsPatchSchema = z.object({
  webhook: WebhookConfigSchema.partial().optional(),
  limits: LimitsConfigSchema.partial().optional(),
  faults: FaultsConfigSchema.partial().optional(),
  requiredProperties: z.array(RequiredRuleSchema).optional(),
  /** Scopes the private app's token lacks: calls that need one answer 403 MISSING_SCOPES (e.g. crm.schemas.deals.write). */
  missingScopes: z.array(z.string()).optional(),
});
export type KnobsPatch = z.infer<typeof KnobsPatchSchema>;

export const CreatePortalSchema = KnobsPatchSchema.extend({
  portalId: z.number().int().positive().optional(),
  accessToken: z.string().min(1).optional(),
  appId: z.number().int().positive().optional(),
  clientSecret: z.string().min(1).optional(),
  seed: z.number().int().optional(),
  /** IANA time zone served by GET /account-info/v3/details (default US/Eastern, HubSpot's default). */
  timeZone: z.string().refine((tz) => { try { new Intl.DateTimeFormat("en-US", { timeZone: tz }); return true; } catch { return false; } }, "unknown time zone").optional(),
});
export type CreatePortalInput = z.infer<typeof CreatePortalSchema>;

/** HubSpot portals default to US Eastern time (the account-info API and the daily limit's reset follow the zone). */
export const DEFAULT_TIME_ZONE = "US/Eastern";
