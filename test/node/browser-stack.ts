// What every browser test stands on: the Worker under `wrangler dev` over a seeded local D1, the npm-shipped Chromium,
// and tokens made through the real tokens CLI. One place, so the three browser suites start the same way.
import { spawnSync } from "node:child_process";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../../tools/browser";
import { startLocalWorker } from "../../tools/local-worker";
import { projectRoot, wranglerEnv } from "../../tools/wrangler-cli";

export interface BrowserStack {
  /** The Worker's base URL. */
  base: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** Creates a token in the local D1 at `persistDir` through the real CLI; returns the printed token (its last line). */
export function createTokenWithCli(persistDir: string, args: string[]): string {
  const res = spawnSync(process.execPath, ["--import", "tsx", "tools/tokens/cli.ts", "create", ...args, "--persist-to", persistDir], { cwd: projectRoot, encoding: "utf8", env: wranglerEnv });
  if (res.status !== 0) throw new Error(`tokens CLI failed: ${res.stderr}`);
  const token = res.stdout.trim().split("\n").pop() ?? "";
  if (!token.startsWith("dg_")) throw new Error(`unexpected CLI output: ${res.stdout}`);
  return token;
}

/** Starts the Worker over `persistDir` (a test portal's credentials, no HubSpot reached) and a headless Chromium. */
export async function startBrowserStack(persistDir: string): Promise<BrowserStack> {
  const worker = await startLocalWorker({
    persistDir,
    vars: { HUBSPOT_CLIENT_SECRET: "browser-secret", HUBSPOT_ACCESS_TOKEN: "browser-token", HUBSPOT_APP_ID: "9393361", HUBSPOT_PORTAL_ID: "555" },
    healthTimeoutMs: 90_000,
  });
  try {
    const browser = await launchBrowser();
    return { base: worker.url, browser, stop: async () => { await browser.close(); await worker.stop(); } };
  } catch (err) {
    await worker.stop();
    throw err;
  }
}
