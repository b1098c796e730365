// `npm run seed -- [--persist-to <dir>]`: loads deterministic demo data (a sales org over 12 weeks) into the
// LOCAL D1 only (migrations applied first), for trying the dashboard. Never touches a remote database.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { applyLocalMigrations, DATABASE, localD1Args, runWrangler } from "../wrangler-cli";
import { buildDemoSeed } from "./demo-data";

/** Applies migrations and loads the demo data into the local D1 (optionally in `persistTo`). Throws on failure. */
export function seedLocalDatabase(opts: { persistTo?: string; now?: number }): ReturnType<typeof buildDemoSeed> {
  const seed = buildDemoSeed(opts.now ?? Date.now());
  const dir = mkdtempSync(path.join(tmpdir(), "dg-seed-"));
  const file = path.join(dir, "seed.sql");
  writeFileSync(file, seed.sql);
  try {
    applyLocalMigrations({ persistDir: opts.persistTo });
    runWrangler(["d1", "execute", DATABASE, ...localD1Args({ persistDir: opts.persistTo }), "--file", file]);
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
