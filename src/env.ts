// The Worker's contracts with its platform: the bindings, every configuration variable parsed by one zod schema,
// the queue message and the Hono app's env type. Nothing else in src/ reads configuration but a parsed `Config`;
// this file never does I/O.
import { z } from "zod";
import type { Mode } from "./policy";
import type { RawEvent } from "./hubspot/events";
import { DEFAULT_SIGNATURE_VERSIONS, SIGNATURE_VERSIONS, type SignatureVersion } from "./hubspot/signature";

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
  /** Comma-separated webhook signature versions accepted, e.g. "v3" (the default) or "v2,v3". */
  HUBSPOT_SIGNATURE_VERSIONS?: string;
  INBOX_RETENTION_DAYS?: string;
  /** How long the judged changes back-tests replay are kept (days). */
  JUDGED_CHANGES_RETENTION_DAYS?: string;
  MAX_REVERTS_PER_DEAL_PER_HOUR?: string;
  MAX_REVERTS_PER_DEAL_PER_DAY?: string;
  METADATA_TTL_SECONDS?: string;
  HUBSPOT_PORTAL_UI_URL?: string;
  MANAGER_MAP?: string;
  /** "enforce" | "warn" | "audit": switches every policy's mode (benchmarks, demos); unset = as the policies say. */
  POLICY_MODE_OVERRIDE?: string;
  /** Adoption health: a team is flagged when compliance or completeness drops more than this many points in two weeks. */
  ADOPTION_DROP_POINTS?: string;
}

/**
 * What the ingress puts on the queue: a chunk of verified, schema-checked events with their content as HubSpot
 * sent it (the inbox stores this raw event). The consumer normalises them with `normaliseEvent`. Only the envelope
 * is checked on the way out: the ingress validated every event with RawEventSchema (parse at the edge, trust
 * inside), and re-validating 5,000 events a second would double the CPU per event.
 */
export const QueueMessageSchema = z.object({
  kind: z.literal("events"),
  receivedAt: z.number().int().nonnegative(),
  events: z.array(z.unknown()).pipe(z.array(z.custom<RawEvent>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "must be an event object"))),
  /** How many times the consumer re-sent these events to wait for HubSpot's rate budget (absent: never). */
  deferrals: z.number().int().nonnegative().optional(),
  /** Sent again by the pending sweep or a dead-letter replay: its events were already counted as delivered. */
  replay: z.boolean().optional(),
});
/** The message as the consumer reads it. */
export type QueueMessage = z.infer<typeof QueueMessageSchema>;
/** The message as the ingress sends it. */
export type QueueMessageBody = z.input<typeof QueueMessageSchema>;

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

/** ownerId → manager ownerId, or "team:<teamId>" → manager ownerId. Not JSON, or not an object: no managers (warned). */
const ManagerMapSchema = optionalString.transform((raw): Record<string, string> => {
  if (raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch (err) {
    console.warn("MANAGER_MAP is not valid JSON; no managers known", err);
    return {};
  }
});

/** "enforce" | "warn" | "audit" (any case) switches every policy's mode; anything else, or unset, leaves them as written. */
export function parseModeOverride(raw: string | undefined): Mode | null {
  const mode = raw?.trim().toLowerCase();
  return mode === "enforce" || mode === "warn" || mode === "audit" ? mode : null;
}
const ModeOverrideSchema = optionalString.transform(parseModeOverride);

/** "v3" unless set: v1 and v2 carry no timestamp, so a captured delivery could be replayed forever. */
const SignatureVersionsSchema = optionalString.transform((raw, ctx): SignatureVersion[] => {
  if (raw === undefined) return [...DEFAULT_SIGNATURE_VERSIONS];
  const versions = raw.split(",").map((v) => v.trim().toLowerCase()).filter((v) => v !== "");
  const unknown = versions.filter((v) => !(SIGNATURE_VERSIONS as readonly string[]).includes(v));
  if (versions.length === 0 || unknown.length > 0) {
    ctx.addIssue({ code: "custom", message: `must list versions among ${SIGNATURE_VERSIONS.join(", ")} (got "${raw}")` });
    return z.NEVER;
  }
  return SIGNATURE_VERSIONS.filter((v) => versions.includes(v));
});

export const ConfigSchema = z.object({
  HUBSPOT_CLIENT_SECRET: z.string({ error: "is missing" }).min(1, "is missing"),
  HUBSPOT_ACCESS_TOKEN: z.string({ error: "is missing" }).min(1, "is missing"),
  HUBSPOT_APP_ID: z.string({ error: "is missing" }).regex(/^\d+$/, "must be the numeric app id"),
  HUBSPOT_PORTAL_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be numeric").optional()),
  HUBSPOT_BASE_URL: optionalString.pipe(z.url().optional()).transform((u) => u ?? "https://api.hubapi.com"),
  WEBHOOK_PUBLIC_URL: optionalString.pipe(z.url().optional()),
  HUBSPOT_SIGNATURE_VERSIONS: SignatureVersionsSchema,
  HUBSPOT_PORTAL_UI_URL: optionalString.pipe(z.url().optional()),
  INBOX_RETENTION_DAYS: intFromString(30),
  JUDGED_CHANGES_RETENTION_DAYS: intFromString(400),
  MAX_REVERTS_PER_DEAL_PER_HOUR: intFromString(3),
  MAX_REVERTS_PER_DEAL_PER_DAY: intFromString(6),
  METADATA_TTL_SECONDS: intFromString(300),
  ADOPTION_DROP_POINTS: intFromString(10),
  /** JSON object ownerId → managerOwnerId, for portals whose teams don't say who manages whom. */
  MANAGER_MAP: ManagerMapSchema,
  POLICY_MODE_OVERRIDE: ModeOverrideSchema,
});
export type Config = z.infer<typeof ConfigSchema>;

/** The Hono app's env: `config` is set by the requireConfig middleware on routes that need it. */
export type AppEnv = { Bindings: Env; Variables: { config: Config } };

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
