// A taken port is reported by number and role before anything starts.
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../local-worker";
import { findTakenPorts, probePort } from "./ports";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function occupy(port: number): Promise<void> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
}

describe("ports", () => {
  it("finds a free port free and a taken one taken, by name", async () => {
    const [free, busy] = [await freePort(), await freePort()];
    await occupy(busy);
    expect(await probePort(free)).toBeNull();
    expect(await probePort(busy)).toBe("EADDRINUSE");
    expect(await findTakenPorts([{ port: free, role: "simulator" }, { port: busy, role: "engine (--port / ENGINE_PORT)" }])).toEqual([
      `port ${busy} for the engine (--port / ENGINE_PORT) is already in use`,
    ]);
  });
});
