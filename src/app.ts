// The Hono app: every route, the 404/405 answers and the one error handler. Wiring only.
import { Hono } from "hono";
import type { AppEnv } from "./env";
import { errorBody, handleError } from "./errors";
import { apiRoutes } from "./http/api";
import { dashboardRoutes } from "./http/dashboard";
import { healthRoutes } from "./http/health";
import { securityHeaders } from "./http/security-headers";
import { webhookRoutes } from "./http/webhooks";

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", securityHeaders());
  app.route("/", healthRoutes());
  app.route("/", webhookRoutes());
  app.route("/api", apiRoutes());
  app.route("/dashboard", dashboardRoutes());
  app.notFound((c) => c.json(errorBody("NOT_FOUND", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404));
  app.onError(handleError);
  return app;
}
