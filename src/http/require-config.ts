// Validates the environment before a route runs and exposes the parsed Config as c.var.config.
// Incomplete configuration is a 500 BAD_ENVIRONMENT naming the variable — never a stack trace.
import type { MiddlewareHandler } from "hono";
import { readConfig, type AppEnv } from "../env";
import { AppError } from "../errors";

export function requireConfig(): MiddlewareHandler<AppEnv> {
  return async function configGuard(c, next) {
    const result = readConfig(c.env);
    if (!result.ok) {
      throw new AppError("BAD_ENVIRONMENT", `configuration incomplete: ${result.problems.join("; ")}`);
    }
    c.set("config", result.config);
    await next();
  };
}
