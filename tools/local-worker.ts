// Starts the Worker locally (`wrangler dev` on 127.0.0.1, local D1 in a given state dir) for benchmarks and Node
// tests, and stops it again. Never uses the fixed dev ports: several people run tests at once on this machine.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { GENERATED_FILE, writeBundle } from "./policies/bundle";
import { applyLocalMigrations, projectRoot, wranglerBin, wranglerEnv } from "./wrangler-cli";

export interface LocalWorkerOptions {
  /** Local D1 (and queue) state; migrations are applied to it before the Worker starts. */
  persistDir: string;
  /** Passed as `--var K:V`, never written to .dev.vars (the Workers test pool would read that file too). */
  vars: Record<string, string>;
  /** Another wrangler config than ./wrangler.toml (e.g. one without the queue consumer). */
  configPath?: string;
  /** A port the caller already handed out (e.g. as a webhook target); a free one otherwise. */
  port?: number;
  /** How long `/healthz` may take to answer 200; default 60 s. */
  healthTimeoutMs?: number;
}

export interface LocalWorker {
  url: string;
  port: number;
  /** SIGTERM to wrangler's process group, SIGKILL after a grace period; resolves once it is gone. Idempotent. */
  stop(): Promise<void>;
}

const POLL_MS = 250;
const STOP_GRACE_MS = 8_000;

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Applies migrations, starts `wrangler dev` and resolves once `/healthz` answers 200. Rejects (with nothing left
 * running) when migrations fail, wrangler exits, or the Worker is not healthy within `healthTimeoutMs`.
 */
export async function startLocalWorker(opts: LocalWorkerOptions): Promise<LocalWorker> {
  await generatePolicyBundle();
  applyLocalMigrations({ persistDir: opts.persistDir, configPath: opts.configPath });
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawnWranglerDev(port, opts);
  // Detached, so wrangler and its workerd share a process group that one signal ends; the price is that a
  // caller's Ctrl-C no longer reaches them, so make sure an exiting process takes them along.
  const killOnExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    await stopProcessGroup(child);
  };
  try {
    await waitHealthy(url, child, opts.healthTimeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, stop };
}

/**
 * The Worker imports src/generated/policies.ts: (re)generate it, so a benchmark or test started directly (not via
 * npm) works from a clean checkout. Unchanged policies leave the file alone. Throws with the policy errors.
 */
async function generatePolicyBundle(): Promise<void> {
  const errors: string[] = [];
  const code = await writeBundle(
    { dir: path.join(projectRoot, "policies"), outFile: path.join(projectRoot, GENERATED_FILE) },
    { out: () => undefined, err: (line) => errors.push(line) },
  );
  if (code !== 0) throw new Error(`the policies do not bundle, so the Worker cannot start:\n${errors.join("\n")}`);
}

function spawnWranglerDev(port: number, opts: LocalWorkerOptions): ChildProcess {
  const args = ["dev", ...(opts.configPath ? ["--config", opts.configPath] : [])];
  // --inspector-port 0: the default 9229 would collide with a second Worker started at the same time.
  args.push("--ip", "127.0.0.1", "--port", String(port), "--inspector-port", "0", "--persist-to", opts.persistDir);
  args.push("--show-interactive-dev-session=false", "--log-level", "error");
  for (const [k, v] of Object.entries(opts.vars)) args.push("--var", `${k}:${v}`);
  return spawn(wranglerBin, args, { cwd: projectRoot, env: wranglerEnv, stdio: ["ignore", "ignore", "inherit"], detached: true });
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}) before the Worker answered on ${url}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch (err) {
      void err; // not listening yet; the deadline bounds the wait
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`the Worker on ${url} did not answer /healthz with 200 within ${Math.round(timeoutMs / 1000)} s`);
}

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || !isRunning(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch (err) {
    // ESRCH: the group ended between the check and the signal, which is what we wanted.
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
