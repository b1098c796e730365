// HubSpot failures as values: every SDK/network exception is turned into a HubSpotError here, once.
// Callers switch on `kind`; nothing outside src/hubspot/ sees an ApiException or a fetch rejection.

import type { Result } from "../result";

export type { Result };

export type RateLimitPolicy = "TEN_SECONDLY_ROLLING" | "DAILY" | "SECONDLY" | "UNKNOWN";

export type HubSpotError =
  | { kind: "rate-limited"; policy: RateLimitPolicy; status: 429; message: string; headers: Record<string, string> }
  | { kind: "not-found"; status: 404; message: string }
  | { kind: "validation"; status: 400; category: string; message: string }
  | { kind: "unauthorized"; status: 401 | 403; message: string }
  | { kind: "unavailable"; status: number; message: string } // 5xx, timeouts, connection failures (status 0)
  | { kind: "unexpected"; status: number; message: string };

/** Header our fetch adapter adds to non-2xx responses so the raw body survives the SDK's model deserialisation. */
export const RAW_ERROR_BODY_HEADER = "x-engine-raw-error-body";

interface ErrorBody {
  message?: unknown;
  category?: unknown;
  policyName?: unknown;
  errorType?: unknown;
}

function parseErrorBody(text: string | undefined): ErrorBody {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as ErrorBody) : {};
  } catch {
    return { message: text.slice(0, 300) };
  }
}

function readPolicy(value: unknown): RateLimitPolicy {
  switch (value) {
    case "TEN_SECONDLY_ROLLING":
    case "DAILY":
    case "SECONDLY":
      return value;
    default:
      return "UNKNOWN";
  }
}

/** Duck-typed: every codegen module has its own ApiException class, so instanceof can't be used. */
function isApiException(err: unknown): err is { code: number; headers: Record<string, string>; message: string } {
  return typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "number" && "headers" in err;
}

/** Maps anything an SDK call rejected with to a HubSpotError. Never throws. */
export function toHubSpotError(err: unknown): HubSpotError {
  if (!isApiException(err)) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { kind: "unavailable", status: 0, message };
  }
  const headers = err.headers ?? {};
  const body = parseErrorBody(headers[RAW_ERROR_BODY_HEADER]);
  const message = typeof body.message === "string" ? body.message : err.message;
  const status = err.code;
  if (status === 429) return { kind: "rate-limited", policy: readPolicy(body.policyName), status: 429, message, headers };
  if (status === 404) return { kind: "not-found", status: 404, message };
  if (status === 400) {
    const category = typeof body.category === "string" ? body.category : "VALIDATION_ERROR";
    return { kind: "validation", status: 400, category, message };
  }
  if (status === 401 || status === 403) return { kind: "unauthorized", status, message };
  if (status >= 500 || status === 0 || status === 408) return { kind: "unavailable", status, message };
  return { kind: "unexpected", status, message };
}

/** Runs one SDK call and returns its answer or its failure as a value. */
export async function callHubSpot<T>(run: () => Promise<T>): Promise<Result<T, HubSpotError>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, error: toHubSpotError(err) };
  }
}

/**
 * A CRM search call: HubSpot limits search per second per account on top of the ten-second window, and the cron's
 * jobs search side by side, so a SECONDLY 429 is waited out once (the window is one second) before it is returned.
 */
export async function callSearch<T>(run: () => Promise<T>, wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<Result<T, HubSpotError>> {
  const first = await callHubSpot(run);
  if (first.ok || first.error.kind !== "rate-limited" || first.error.policy !== "SECONDLY") return first;
  await wait(SEARCH_WINDOW_MS + 100);
  return callHubSpot(run);
}

const SEARCH_WINDOW_MS = 1_000;

export function describeError(error: HubSpotError): string {
  return `${error.kind} (${error.status}): ${error.message}`;
}
