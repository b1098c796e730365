// GET /crm/v3/pipelines/deals (and /{pipelineId}): stages with display order and probability/isClosed metadata.
import { Hono } from "hono";
import type { Pipeline } from "../portal/types";
import type { CrmEnv } from "./context";
import { errorBody } from "./errors";

const EPOCH = "2024-01-15T09:00:00.000Z";

function serializePipeline(p: Pipeline) {
  return {
    id: p.id,
    label: p.label,
    displayOrder: p.displayOrder,
    archived: false,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    stages: p.stages.map((s) => ({
      id: s.id,
      label: s.label,
      displayOrder: s.displayOrder,
      archived: false,
      createdAt: EPOCH,
      updatedAt: EPOCH,
      writePermissions: "CRM_PERMISSIONS_ENFORCEMENT",
      metadata: { probability: s.probability, isClosed: String(s.isClosed) },
    })),
  };
}

export function pipelineRoutes(): Hono<CrmEnv> {
  const app = new Hono<CrmEnv>();
  app.get("/:objectType", (c) => {
    if (c.req.param("objectType") !== "deals" && c.req.param("objectType") !== "0-3") {
      return c.json(errorBody("VALIDATION_ERROR", `Pipelines are not supported for ${c.req.param("objectType")} here`, c.get("correlationId")), 400);
    }
    return c.json({ results: c.get("portal").store.pipelines.map(serializePipeline) });
  });
  app.get("/:objectType/:pipelineId", (c) => {
    const pipeline = c.get("portal").store.pipelines.find((p) => p.id === c.req.param("pipelineId"));
    if (!pipeline) return c.json(errorBody("OBJECT_NOT_FOUND", `Unable to find pipeline ${c.req.param("pipelineId")}`, c.get("correlationId")), 404);
    return c.json(serializePipeline(pipeline));
  });
  return app;
}
