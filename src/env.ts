// The Worker's environment: bindings plus string vars/secrets, validated once per request by zod.
// Nothing else in src/ reads configuration from anywhere but a parsed `Config`.
import { z } from "zod";

/** Bindings as wrangler.toml declares them. */
export interface Env {
  DB: D1Database;
  EVENTS: Queue<QueueMessageBody>;
  HUBSPOT_CLIENT_SECRET?: string;
  HUBSPOT_ACCESS_TOKEN?: string;
  HUBSPOT_APP_ID?: string;
  HUBSPOT_PORTAL_ID?: string;
  HUBSPOT_BASE_URL?: string;
  WEBHOOK_PUBLIC_URL?: string;
  INBOX_RETENTION_DAYS?: string;
  MAX_REVERTS_PER_DEAL_PER_HOUR?: string;
  METADATA_TTL_SECONDS?: string;
  HUBSPOT_PORTAL_UI_URL?: string;
  MANAGER_MAP?: string;
  /** "enforce" | "audit": switches every policy's mode (benchmarks, demos); unset = as the policies say. */
  POLICY_MODE_OVERRIDE?: string;
}

/**
 * What the ingress puts on the queue: a chunk of verified, schema-checked events with their content as HubSpot
 * sent it (the inbox stores this raw event). The consumer normalises them with `normaliseEvent`.
 */
export interface QueueMessageBody {
  kind: "events";
  receivedAt: number;
  events: unknown[];
}

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

const intFromString = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .optional()
    .transform((n) => n ?? fallback);

export const ConfigSchema = z.object({
  HUBSPOT_CLIENT_SECRET: z.string({ error: "is missing" }).min(1, "is missing"),
  HUBSPOT_ACCESS_TOKEN: z.string({ error: "is missing" }).min(1, "is missing"),
  HUBSPOT_APP_ID: z.string({ error: "is missing" }).regex(/^\d+$/, "must be the numeric app id"),
  HUBSPOT_PORTAL_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be numeric").optional()),
  HUBSPOT_BASE_URL: optionalString.pipe(z.url().optional()).transform((u) => u ?? "https://api.hubapi.com"),
  WEBHOOK_PUBLIC_URL: optionalString.pipe(z.url().optional()),
  HUBSPOT_PORTAL_UI_URL: optionalString.pipe(z.url().optional()),
  INBOX_RETENTION_DAYS: intFromString(30),
  MAX_REVERTS_PER_DEAL_PER_HOUR: intFromString(3),
  METADATA_TTL_SECONDS: intFromString(300),
  /** JSON object ownerId → managerOwnerId, for portals whose teams don't say who manages whom. */
  MANAGER_MAP: optionalString,
});
export type Config = z.infer<typeof ConfigSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Parses the string part of the environment. Never throws. */
export function parseConfig(env: Env): ConfigResult {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`);
  return { ok: false, problems };
}

// workerd hands every request the same env object per isolate: parse it once, not on every webhook.
const configCache = new WeakMap<Env, ConfigResult>();

/** `parseConfig`, memoised per env object. Never throws. */
export function readConfig(env: Env): ConfigResult {
  let result = configCache.get(env);
  if (!result) {
    result = parseConfig(env);
    configCache.set(env, result);
  }
  return result;
}
