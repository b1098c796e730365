// Control API: play the demo's past on a portal — N simulated weeks of reps' moves, mistakes and fixes, each write
// stamped at its simulated time, its webhooks gathered like any other (outbox or push). For tests and benchmarks that
// need a realistic history (back-tests); `npm start` runs the same backfill from sim/launch.ts.
import { Hono } from "hono";
import { z } from "zod";
import { runBackfill } from "../scenario/backfill";
import { createScenarioState } from "../scenario/step";
import { parseControlBody, type ControlEnv } from "./respond";

const Backfill = z.object({ weeks: z.number().int().min(1).max(12), seed: z.number().int().default(7), now: z.number().int().positive().optional() });

export function scenarioRoutes(): Hono<ControlEnv> {
  const app = new Hono<ControlEnv>();
  app.post("/portals/:portalId/scenario/backfill", async (c) => {
    const body = await parseControlBody(c, Backfill);
    if (!body.ok) return body.response;
    const now = body.value.now ?? Date.now();
    const summary = await runBackfill(c.get("portal"), createScenarioState(body.value.seed, now), { weeks: body.value.weeks, now });
    return c.json(summary);
  });
  return app;
}
