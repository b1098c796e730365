// A portal's knobs: webhook delivery, rate limits, faults. zod schemas because they arrive over the control API.
import { z } from "zod";

export const WebhookConfigSchema = z.object({
  /** The URL HubSpot "calls": POSTed to in push mode, only signed in outbox mode. */
  url: z.string().url().default("http://127.0.0.1:8787/webhooks/hubspot"),
  mode: z.enum(["push", "outbox"]).default("outbox"),
  enabled: z.boolean().default(true),
  /** Largest batch; HubSpot sends fewer than 100 per request, sizes vary. */
  batchMax: z.number().int().min(1).max(99).default(99),
  /** How long events gather before a batch leaves (ms). */
  flushMs: z.number().int().min(0).default(20),
  timeoutMs: z.number().int().min(1).default(5000),
  concurrency: z.number().int().min(1).default(10),
  /** HubSpot: up to 10 retries over 24 h; here the same count on a compressed, exponential schedule. */
  maxRetries: z.number().int().min(0).default(10),
  retryBaseMs: z.number().int().min(0).default(500),
  retryFactor: z.number().min(1).default(2),
  duplicateRate: z.number().min(0).max(1).default(0),
  outOfOrder: z.boolean().default(false),
  /** Property names with a deal.propertyChange subscription; "*" = every writable deal property. */
  subscribedProperties: z.union([z.literal("*"), z.array(z.string())]).default("*"),
  /** Use the generic `object.*` spelling with objectTypeId 0-3 instead of `deal.*`. */
  genericSubscriptions: z.boolean().default(false),
});
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

export const LimitsConfigSchema = z.object({
  enabled: z.boolean().default(true),
  tenSecondlyMax: z.number().int().min(1).default(190),
  intervalMs: z.number().int().min(1).default(10_000),
  dailyMax: z.number().int().min(1).default(1_000_000),
  searchPerSecond: z.number().int().min(1).default(5),
});
export type LimitsConfig = z.infer<typeof LimitsConfigSchema>;

export const ScriptedFaultSchema = z.object({
  status: z.number().int().min(0).max(599),
  count: z.number().int().min(1).default(1),
  method: z.string().optional(),
  pathIncludes: z.string().optional(),
});
export type ScriptedFault = z.infer<typeof ScriptedFaultSchema>;

export const FaultsConfigSchema = z.object({
  /** Share of CRM requests answered with one of `errorStatuses`. */
  errorRate: z.number().min(0).max(1).default(0),
  errorStatuses: z.array(z.number().int().min(500).max(599)).default([500, 502, 503]),
  latencyMs: z.number().int().min(0).default(0),
  /** Share of CRM requests that hang (no answer for `hangMs`, then 504). */
  hangRate: z.number().min(0).max(1).default(0),
  hangMs: z.number().int().min(1).default(30_000),
  /** Deterministic faults, consumed in order: the next matching requests get `status` (0 = hang). */
  script: z.array(ScriptedFaultSchema).default([]),
});
export type FaultsConfig = z.infer<typeof FaultsConfigSchema>;

export const RequiredRuleSchema = z.object({ pipelineId: z.string().optional(), stageId: z.string(), properties: z.array(z.string()).min(1) });

export const KnobsPatchSchema = z.object({
  webhook: WebhookConfigSchema.partial().optional(),
  limits: LimitsConfigSchema.partial().optional(),
  faults: FaultsConfigSchema.partial().optional(),
  requiredProperties: z.array(RequiredRuleSchema).optional(),
});
export type KnobsPatch = z.infer<typeof KnobsPatchSchema>;

export const CreatePortalSchema = KnobsPatchSchema.extend({
  portalId: z.number().int().positive().optional(),
  accessToken: z.string().min(1).optional(),
  appId: z.number().int().positive().optional(),
  clientSecret: z.string().min(1).optional(),
  seed: z.number().int().optional(),
});
export type CreatePortalInput = z.infer<typeof CreatePortalSchema>;
