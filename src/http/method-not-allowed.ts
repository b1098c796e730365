// 405 for a known path called with the wrong method, with the Allow header; registered after a path's real routes.
import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors";

/** A catch-all handler for a path: answers 405 naming the allowed methods. Throws AppError (the HTTP edge). */
export function rejectOtherMethods(allowed: string[]): MiddlewareHandler {
  const allow = allowed.join(", ");
  return async function methodNotAllowed(c) {
    c.header("Allow", allow);
    throw new AppError("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed here; use ${allow}`);
  };
}
