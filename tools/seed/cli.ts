// `npm run seed -- [--persist-to <dir>]`: loads deterministic demo data (a sales org over 12 weeks) into the
// LOCAL D1 only (migrations applied first), for trying the dashboard. Never touches a remote database.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildDemoSeed } from "./demo-data";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");

/** Applies migrations and loads the demo data into the local D1 (optionally in `persistTo`). Throws on failure. */
export function seedLocalDatabase(opts: { persistTo?: string; now?: number }): ReturnType<typeof buildDemoSeed> {
  const seed = buildDemoSeed(opts.now ?? Date.now());
  const dir = mkdtempSync(path.join(tmpdir(), "dg-seed-"));
  const file = path.join(dir, "seed.sql");
  writeFileSync(file, seed.sql);
  const persist = opts.persistTo ? ["--persist-to", opts.persistTo] : [];
  const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  try {
    for (const args of [["d1", "migrations", "apply", "deal-governance", "--local", ...persist], ["d1", "execute", "deal-governance", "--local", ...persist, "--file", file]]) {
      const res = spawnSync(path.join(root, "node_modules", ".bin", "wrangler"), args, { cwd: root, encoding: "utf8", env });
      if (res.status !== 0) throw new Error(`wrangler ${args.slice(0, 2).join(" ")} failed:\n${res.stderr || res.stdout}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return seed;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { "persist-to": { type: "string" } } });
  try {
    const seed = seedLocalDatabase({ persistTo: values["persist-to"] });
    console.log(`Seeded ${seed.violations} violations and ${seed.transitions} stage transitions into the local D1.`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
