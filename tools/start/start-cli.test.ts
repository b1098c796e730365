// `npm start` as a user runs it, up to the point where it would spawn anything: --help, bad flags, taken ports.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../local-worker";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function runStart(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/start.ts", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm start", () => {
  it("--help prints the usage and exits 0", async () => {
    const res = await runStart(["--help"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("--port <n>             engine port (env ENGINE_PORT");
    expect(res.stdout).toContain("--sim-port <n>");
  });
  it("a bad flag is a usage error (exit 2)", async () => {
    const res = await runStart(["--port", "nope"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--port must be a port number (1-65535), not "nope"');
  });
  it("names a taken engine port, and how to choose another, before starting anything", async () => {
    const [engine, sim] = [await freePort(), await freePort()];
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(engine, "127.0.0.1", () => resolve()));
    const res = await runStart(["--sim-port", String(sim)], { ENGINE_PORT: String(engine) });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`port ${engine} for the engine (choose another with --port or ENGINE_PORT) is already in use`);
    expect(res.stderr).not.toContain(`port ${sim}`);
    expect(res.stdout).not.toContain("starting the HubSpot simulator");
  });
});
