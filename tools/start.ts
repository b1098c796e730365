// `npm start`: the engine against the embedded HubSpot simulator on a fresh machine — policy bundle, local D1
// migrations, simulator (127.0.0.1:SIM_PORT, demo scenario unless --quiet), `wrangler dev` (127.0.0.1:8787).
// Ctrl-C stops everything. It never touches a real HubSpot portal.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_BACKFILL_WEEKS, describeBackfill, launchOptionsFromEnv, launchSimulator } from "../sim/launch";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const ENGINE_PORT = 8787;
const engineUrl = `http://127.0.0.1:${ENGINE_PORT}`;
const webhookUrl = `${engineUrl}/webhooks/hubspot`;
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "1" };
const wranglerBin = path.join(root, "node_modules", ".bin", "wrangler");

const { values } = parseArgs({
  options: {
    quiet: { type: "boolean", default: false },
    seed: { type: "string", default: "42" },
    speed: { type: "string", default: "1" },
    persist: { type: "string" },
    "backfill-weeks": { type: "string", default: String(DEFAULT_BACKFILL_WEEKS) },
  },
});
const backfillWeeks = Number(values["backfill-weeks"]);

function step(label: string): void {
  console.log(`\n▶ ${label}`);
}

function fail(message: string): never {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}

/** Runs a command to completion with inherited output; exits the start script when it fails. */
function runOrExit(label: string, command: string, args: string[]): void {
  step(label);
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.error) fail(`${label}: ${result.error.message}`);
  if (result.status !== 0) fail(`${label} failed (exit ${result.status ?? "signal"}); not starting.`);
}

// 1) Policies: check and bundle (npm's prestart already did it when started as `npm start`).
const bundle = path.join(root, "tools", "policies", "bundle.ts");
if (existsSync(bundle) && process.env.npm_lifecycle_event !== "start") {
  runOrExit("checking and bundling policies", process.execPath, ["--import", "tsx", bundle]);
}

if (!Number.isFinite(backfillWeeks) || backfillWeeks < 0) fail("--backfill-weeks must be a number ≥ 0");

// 2) Local D1 schema.
runOrExit("applying local D1 migrations", wranglerBin, ["d1", "migrations", "apply", "deal-governance", "--local"]);

// 3) The simulator, pushing signed webhooks to the engine.
step("starting the HubSpot simulator");
const simOptions = { ...launchOptionsFromEnv(process.env), seed: Number(values.seed), target: webhookUrl, persist: values.persist, seedDeals: values.quiet || backfillWeeks > 0 ? 0 : 12 };
const launched = await launchSimulator(simOptions).catch((e: unknown) => fail(`simulator: ${e instanceof Error ? e.message : String(e)} (is port ${simOptions.port} taken? set SIM_PORT)`));
const simUrl = launched.sim.url;
const teamsRes = await fetch(`${simUrl}/_sim/portals/${simOptions.portalId}/teams`);
const { managerMap } = (await teamsRes.json()) as { managerMap: Record<string, string> };

// 4) The engine, configured for the simulator's default portal.
const vars: Record<string, string> = {
  HUBSPOT_BASE_URL: simUrl,
  HUBSPOT_ACCESS_TOKEN: simOptions.accessToken,
  HUBSPOT_CLIENT_SECRET: simOptions.clientSecret,
  HUBSPOT_APP_ID: String(simOptions.appId),
  HUBSPOT_PORTAL_ID: String(simOptions.portalId),
  WEBHOOK_PUBLIC_URL: webhookUrl,
  MANAGER_MAP: JSON.stringify(managerMap),
};
// Passed as --var, never written to .dev.vars: the Workers test pool reads .dev.vars too, and would pick them up.
step("starting the engine (wrangler dev)");
const wrangler: ChildProcess = spawn(wranglerBin, ["dev", "--ip", "127.0.0.1", "--port", String(ENGINE_PORT), ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])], { cwd: root, env, stdio: "inherit" });

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\n▶ shutting down");
  await launched.close();
  if (wrangler.exitCode === null) {
    wrangler.kill("SIGINT");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { wrangler.kill("SIGKILL"); resolve(); }, 5000);
      wrangler.once("exit", () => { clearTimeout(timer); resolve(); });
    });
  }
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
wrangler.once("exit", (code) => {
  if (!stopping) {
    console.error(`\n✖ wrangler dev exited (${code ?? "signal"})`);
    void shutdown(code ?? 1);
  }
});

// 5) Wait for the engine, print the banner, then let the demo play.
async function waitForEngine(timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping) {
    try {
      const res = await fetch(`${engineUrl}/healthz`);
      await res.arrayBuffer();
      return true;
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return false;
}

if (!(await waitForEngine(90_000))) {
  console.error(`✖ the engine did not answer on ${engineUrl} within 90 s`);
  await shutdown(1);
}
console.log([
  "",
  "──────────────────────────────────────────────────────────────",
  `  engine     ${engineUrl}`,
  `  dashboard  ${engineUrl}/dashboard  — sign in with a token: in another terminal run`,
  `             npm run tokens -- create --name me --role admin   and paste the token at /dashboard`,
  `  simulator  ${simUrl}  (portal ${simOptions.portalId}, token ${simOptions.accessToken})`,
  `  webhooks   simulator → ${webhookUrl} (signed v3)`,
  `  scenario   ${values.quiet ? "off (--quiet): act through the control API, see docs/simulator.md" : `demo, seed ${values.seed}, speed ${values.speed}${backfillWeeks > 0 ? `, first ${backfillWeeks} simulated weeks of history on a fresh portal (--backfill-weeks)` : ""}`}`,
  "  Ctrl-C stops everything.",
  "──────────────────────────────────────────────────────────────",
].join("\n"));
if (!values.quiet) {
  launched.startDemo({
    speed: Number(values.speed),
    backfillWeeks,
    onBackfill: (s) => console.log(`sim: ${describeBackfill(s)}`),
    onMove: (m, n) => console.log(`sim: [step ${n}] ${m.text}`),
  });
}
