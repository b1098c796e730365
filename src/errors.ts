// The one error type that crosses into HTTP, its codes, and the single place they become responses.
// Inner modules return errors as values; handlers throw AppError; `handleError` turns anything into JSON.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorCode =
  | "BAD_REQUEST"
  | "INVALID_JSON"
  | "INVALID_EVENTS"
  | "JSON_TOO_DEEP"
  | "EVENT_TOO_LARGE"
  | "INVALID_QUERY"
  | "UNAUTHORIZED"
  | "INVALID_SIGNATURE"
  | "STALE_TIMESTAMP"
  | "SIGNATURE_VERSION_DISABLED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "BAD_ENVIRONMENT"
  | "UNAVAILABLE"
  | "INTERNAL";

export function statusOf(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case "BAD_REQUEST":
    case "INVALID_JSON":
    case "INVALID_EVENTS":
    case "JSON_TOO_DEEP":
    case "EVENT_TOO_LARGE":
    case "INVALID_QUERY":
      return 400;
    case "UNAUTHORIZED":
    case "INVALID_SIGNATURE":
    case "STALE_TIMESTAMP":
    case "SIGNATURE_VERSION_DISABLED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "METHOD_NOT_ALLOWED":
      return 405;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "BAD_ENVIRONMENT":
    case "INTERNAL":
      return 500;
    case "UNAVAILABLE":
      return 503;
  }
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Hono's onError: known errors keep their code; anything else is a logged 500 without a stack trace. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof AppError) {
    return c.json(errorBody(err.code, err.message, err.details), statusOf(err.code));
  }
  console.error("unhandled error", err);
  return c.json(errorBody("INTERNAL", "internal error"), 500);
}
