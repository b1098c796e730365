// The simulated HubSpot CRM API (/crm/v3, /crm/v4) with HubSpot's request and response shapes.
// It must never know about the control API or the engine: it only serves what a real portal would.
import { Hono } from "hono";
import type { PortalRegistry } from "../portal/registry";
import { accountInfoRoutes } from "./account-info";
import { associationRoutes } from "./associations";
import type { CrmEnv } from "./context";
import { crmEdge } from "./edge";
import { errorBody } from "./errors";
import { objectRoutes } from "./objects";
import { ownerRoutes } from "./owners";
import { pipelineRuleRoutes } from "./pipeline-rules";
import { pipelineRoutes } from "./pipelines";
import { propertyRoutes } from "./properties";

export function crmRoutes(registry: PortalRegistry, closing: AbortSignal): Hono<CrmEnv> {
  // strict: false — HubSpot answers "/crm/v3/owners/" like "/crm/v3/owners" (the SDK sends the former).
  const app = new Hono<CrmEnv>({ strict: false });
  app.use("/crm/*", crmEdge(registry, closing));
  app.use("/account-info/*", crmEdge(registry, closing));
  app.route("/crm/v3/objects", objectRoutes());
  app.route("/crm/v3/pipelines", pipelineRoutes());
  app.route("/crm/v3/owners", ownerRoutes());
  app.route("/crm/v3/properties", propertyRoutes());
  app.route("/crm/v4", associationRoutes());
  app.route("/crm/pipelines-rules/2026-09-beta", pipelineRuleRoutes());
  app.route("/account-info/v3", accountInfoRoutes());
  app.notFound((c) => c.json(errorBody("OBJECT_NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`, c.get("correlationId") ?? ""), 404));
  return app;
}
