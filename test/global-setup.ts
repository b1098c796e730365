// Vitest global setup: one HubSpot simulator for the whole run on a free 127.0.0.1 port. Tests get its URL with
// `inject("simUrl")` (Node) or the `SIM_URL` binding (workerd) and create their own isolated portal on it.
import type { TestProject } from "vitest/node";
import { startSimulator } from "../sim/server";

declare module "vitest" {
  export interface ProvidedContext {
    simUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sim = await startSimulator({ port: 0 });
  project.provide("simUrl", sim.url);
  return async () => {
    await sim.close();
  };
}
