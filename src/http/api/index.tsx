// The JSON API under /api: violations, summary, reps, review, trend, adoption, policies (index and one), tokens and failures (admin), OpenAPI document and docs.
// Every route authenticates first (bearer; docs also accept the dashboard session) and never builds SQL itself.
import { Hono } from "hono";
import { AppError } from "../../errors";
import { authenticateBearer, authenticateSession, requireBearer, type AuthEnv } from "../auth";
import { DocsPage } from "../openapi-docs";
import { buildOpenApiDocument } from "../openapi";
import { policyIndexRoutes } from "./policies";
import { failureRoutes } from "./failures";
import { reportRoutes } from "./reports";
import { reviewRoutes } from "./review";
import { tokenRoutes } from "./tokens";
import { violationRoutes } from "./violations";

export function apiRoutes(): Hono<AuthEnv> {
  const api = new Hono<AuthEnv>();
  // The docs are read in a browser too, so a dashboard session is accepted there as well as a bearer token.
  api.on("GET", ["/openapi.json", "/docs"], async function docsAuth(c, next) {
    const now = Date.now();
    const principal = c.req.header("authorization") ? await authenticateBearer(c, now) : await authenticateSession(c, now);
    c.set("principal", principal);
    await next();
  });
  api.get("/openapi.json", (c) => c.json(buildOpenApiDocument()));
  api.get("/docs", (c) => c.html(<DocsPage doc={buildOpenApiDocument()} />));
  // Registered after the docs routes, which have already answered by the time this would run for them.
  api.use("*", requireBearer());
  api.get("/me", (c) => c.json({ principal: c.get("principal") }));
  api.route("/violations", violationRoutes());
  api.route("/policies", policyIndexRoutes());
  api.route("/", reportRoutes());
  api.route("/", reviewRoutes());
  api.route("/tokens", tokenRoutes());
  api.route("/admin", failureRoutes());
  api.all("*", () => {
    throw new AppError("NOT_FOUND", "no such API route");
  });
  return api;
}
