// The simulator's HTTP server: the CRM API (/crm/...) and the control API (/_sim/...) over one Hono app.
// Standalone Node; nothing in src/ may import it.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { crmRoutes } from "./api/index";
import { controlRoutes } from "./control/index";
import type { CreatePortalInput } from "./portal/config";
import type { Portal } from "./portal/portal";
import { PortalRegistry } from "./portal/registry";
import { dealPageRoutes } from "./ui/deal-page";

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A portal to create at startup (the one `npm run sim` / `npm start` use). */
  defaultPortal?: CreatePortalInput;
  now?: () => number;
}

export interface RunningSimulator {
  url: string;
  registry: PortalRegistry;
  defaultPortal: Portal | null;
  close(): Promise<void>;
}

/** Builds the Hono app over a registry (exposed for in-process use). */
export function createSimulatorApp(registry: PortalRegistry, closing: AbortSignal): Hono {
  // strict: false — HubSpot ignores a trailing slash (the SDK's owners client sends "/crm/v3/owners/?limit=…").
  const app = new Hono({ strict: false });
  app.route("/_sim", controlRoutes(registry));
  app.route("/", dealPageRoutes(registry));
  app.route("/", crmRoutes(registry, closing));
  app.notFound((c) => c.json({ status: "error", message: `No route for ${c.req.method} ${c.req.path}`, correlationId: "", category: "OBJECT_NOT_FOUND" }, 404));
  app.onError((err, c) => c.json({ status: "error", message: `simulator error: ${err.message}`, correlationId: "", category: "INTERNAL_ERROR" }, 500));
  return app;
}

/** Starts a simulator on 127.0.0.1. Resolves once listening; `close()` ends hung requests and open timers. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const registry = new PortalRegistry(options.now);
  let defaultPortal: Portal | null = null;
  if (options.defaultPortal) {
    const created = registry.create(options.defaultPortal);
    if (!created.ok) throw new Error(`default portal: ${created.message}`);
    defaultPortal = created.portal;
  }
  const closing = new AbortController();
  const app = createSimulatorApp(registry, closing.signal);
  const host = options.host ?? "127.0.0.1";
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, (info: AddressInfo) => resolve({ server: s, port: info.port }));
    s.once("error", reject);
  });
  const url = `http://${host}:${port}`;
  return {
    url,
    registry,
    defaultPortal,
    close: async () => {
      closing.abort();
      registry.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server && typeof server.closeAllConnections === "function") server.closeAllConnections();
      });
    },
  };
}
