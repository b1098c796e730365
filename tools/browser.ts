// THE way to start a browser in this project (browser tests, screenshots): headless Chromium driven by
// playwright-core. Uses CHROMIUM_PATH when set, else the Chromium that ships inside the @sparticuz/chromium npm
// package, so `npm ci && npm test` needs no system browser. Node-only; never imported by the Worker.
// `node --import tsx tools/browser.ts` prints which browser it would launch and checks that it starts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type LaunchOptions } from "playwright-core";

/** Flags for a closed network and a root user: no sandbox, GPU, QUIC, first-run UI or calls home. */
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
] as const;

export interface ChromiumBinary {
  executablePath: string;
  /** "CHROMIUM_PATH" or "npm:@sparticuz/chromium@<version>". */
  source: string;
  /** Extra environment the binary needs (its bundled shared libraries and fonts). */
  env: Record<string, string>;
}

const require = createRequire(import.meta.url);

/**
 * Finds the browser: `CHROMIUM_PATH` if set (throws when it is not a file), else the npm-shipped build, extracted
 * once per version into the OS temp dir. Extraction is atomic (staging dir + rename), so parallel test workers and
 * an interrupted run never see half a binary.
 */
export function resolveChromium(env: NodeJS.ProcessEnv = process.env): ChromiumBinary {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv}: no such file`);
    return { executablePath: fromEnv, source: "CHROMIUM_PATH", env: {} };
  }
  const { packageDir, version } = findChromiumPackage();
  const dir = path.join(tmpdir(), `dg-chromium-${version}`);
  if (!existsSync(path.join(dir, "chromium"))) extractChromium(packageDir, dir);
  const fontsConf = path.join(dir, "dg-fonts.conf");
  return {
    executablePath: path.join(dir, "chromium"),
    source: `npm:@sparticuz/chromium@${version}`,
    // The build links NSS/NSPR/expat dynamically and ships them (built for Amazon Linux, glibc only): using them
    // keeps the browser independent of what the machine happens to have installed.
    env: { LD_LIBRARY_PATH: path.join(dir, "al2023", "lib"), FONTCONFIG_FILE: fontsConf },
  };
}

/** The installed @sparticuz/chromium (its exports hide package.json, so walk up from its entry point). */
function findChromiumPackage(): { packageDir: string; version: string } {
  let dir = path.dirname(require.resolve("@sparticuz/chromium"));
  while (dir !== path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "@sparticuz/chromium" && pkg.version !== undefined) return { packageDir: dir, version: pkg.version };
    }
    dir = path.dirname(dir);
  }
  throw new Error("@sparticuz/chromium is not installed (run npm ci)");
}

function extractChromium(packageDir: string, dir: string): void {
  const staging = mkdtempSync(path.join(tmpdir(), "dg-chromium-staging-"));
  try {
    // The package extracts into os.tmpdir(); a child with TMPDIR=staging keeps it out of the shared /tmp. Its
    // Amazon Linux switch (AWS_LAMBDA_JS_RUNTIME) is what makes it unpack the bundled shared libraries too.
    const script = `import(${JSON.stringify(pathToFileURL(path.join(packageDir, "build", "esm", "index.js")).href)}).then((m) => m.default.executablePath()).then((p) => console.log(p))`;
    const res = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, TMPDIR: staging, AWS_LAMBDA_JS_RUNTIME: "nodejs20.x" },
      encoding: "utf8",
    });
    if (res.status !== 0) throw new Error(`could not unpack @sparticuz/chromium: ${res.stderr || res.error?.message || `exit ${res.status}`}`);
    if (!existsSync(path.join(staging, "chromium")) || !existsSync(path.join(staging, "al2023", "lib", "libnss3.so"))) {
      throw new Error(`@sparticuz/chromium unpacked, but not to the expected layout in ${staging}`);
    }
    writeFileSync(path.join(staging, "dg-fonts.conf"), fontsConfig(dir));
    mkdirSync(path.dirname(dir), { recursive: true });
    try {
      renameSync(staging, dir);
    } catch (err) {
      // Another process finished first: its copy is as good as ours.
      if (!existsSync(path.join(dir, "chromium"))) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The bundled fonts (so text renders on a machine without any) plus the system's, cached beside the binary. */
function fontsConfig(dir: string): string {
  return `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, "fonts")}</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${path.join(dir, "fonts-cache")}</cachedir>\n</fontconfig>\n`;
}

/** Launches headless Chromium (see resolveChromium). Throws with the binary's source when it does not start. */
export async function launchBrowser(options: Omit<LaunchOptions, "executablePath" | "args" | "env"> = {}): Promise<Browser> {
  const binary = resolveChromium();
  try {
    return await chromium.launch({ ...options, executablePath: binary.executablePath, args: [...CHROMIUM_ARGS], env: { ...process.env, ...binary.env } });
  } catch (err) {
    throw new Error(`Chromium (${binary.source}, ${binary.executablePath}) did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log("usage: node --import tsx tools/browser.ts\n  prints the Chromium the browser tests use (CHROMIUM_PATH, else the npm-shipped build) and checks it starts");
    process.exit(0);
  }
  try {
    const binary = resolveChromium();
    const browser = await launchBrowser();
    console.log(`chromium ${browser.version()} from ${binary.source} (${binary.executablePath})`);
    await browser.close();
  } catch (err) {
    console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
