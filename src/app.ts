// The Hono app: every route, the 404/405 answers and the one error handler. Wiring only.
import { Hono } from "hono";
import type { Env } from "./env";
import { errorBody, handleError } from "./errors";
import { healthRoutes } from "./http/health";

export type AppEnv = { Bindings: Env };

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route("/", healthRoutes());
  app.notFound((c) => c.json(errorBody("NOT_FOUND", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404));
  app.onError(handleError);
  return app;
}
