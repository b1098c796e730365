// The CRM API's edge, in HubSpot's order: bearer auth (401), injected faults, rate limits (429), then the route;
// every authenticated request is written to the portal's call log with its answer.
import type { MiddlewareHandler } from "hono";
import { randomUUID } from "node:crypto";
import { decideFault, faultBody, type FaultDecision } from "../limits/faults";
import type { PortalRegistry } from "../portal/registry";
import type { CrmEnv } from "./context";
import { AUTH_MESSAGE, errorBody } from "./errors";

export function crmEdge(registry: PortalRegistry, closing: AbortSignal): MiddlewareHandler<CrmEnv> {
  return async function crmEdgeMiddleware(c, next) {
    const correlationId = randomUUID();
    const auth = c.req.header("authorization") ?? "";
    const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
    const portal = token ? registry.findByToken(token) : undefined;
    if (!portal) return c.json(errorBody("INVALID_AUTHENTICATION", AUTH_MESSAGE, correlationId), 401);
    c.set("portal", portal);
    c.set("correlationId", correlationId);
    const started = portal.now();
    const url = new URL(c.req.url);
    const path = url.pathname + url.search;
    const requestText = c.req.method === "GET" || c.req.method === "DELETE" ? "" : await c.req.raw.clone().text();

    const fault = decideFault(portal.faults, portal.rng, c.req.method, url.pathname);
    if (portal.faults.latencyMs > 0) await sleep(portal.faults.latencyMs, closing);
    if (fault.kind === "partial") c.set("failInputs", fault.failInputs);
    if (fault.kind !== "none" && fault.kind !== "partial" && !fault.afterApply) {
      c.res = await answerFault(fault, correlationId, closing);
    } else {
      const decision = portal.limiter.check(c.req.method === "POST" && url.pathname.endsWith("/search"));
      if (!decision.ok) {
        c.res = c.json({ status: "error", message: decision.message, errorType: "RATE_LIMIT", correlationId, policyName: decision.policyName, requestId: randomUUID() }, 429);
      } else {
        await next();
      }
      // The work is done (writes committed, webhooks queued); the client only gets the fault, whatever the route said.
      if (fault.kind !== "none" && fault.kind !== "partial") c.res = await answerFault(fault, correlationId, closing);
      for (const [k, v] of Object.entries(decision.headers)) c.res.headers.set(k, v);
    }
    c.res.headers.set("x-hubspot-correlation-id", correlationId);
    portal.logCall({
      at: started,
      method: c.req.method,
      path,
      body: parseJson(requestText),
      status: c.res.status,
      response: parseJson(await c.res.clone().text()),
      durationMs: portal.now() - started,
    });
    return c.res;
  };
}

/** The injected answer: a hang ends after `ms` with 504 (as HubSpot's gateway would), an error is HubSpot-ish. */
async function answerFault(fault: Exclude<FaultDecision, { kind: "none" } | { kind: "partial" }>, correlationId: string, closing: AbortSignal): Promise<Response> {
  if (fault.kind === "hang") {
    await sleep(fault.ms, closing);
    return Response.json(faultBody(504, correlationId), { status: 504 });
  }
  return Response.json(faultBody(fault.status, correlationId), { status: fault.status });
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return { unparsed: text, error: e instanceof Error ? e.message : String(e) };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
