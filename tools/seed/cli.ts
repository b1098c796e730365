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
  const usage = "usage: npm run seed -- [--persist-to <dir>]\n  loads deterministic demo data (a sales org over 12 weeks) into the LOCAL D1 for trying the dashboard;\n  never touches a remote database. Note: npm start keeps its own portal's data there; seed a separate --persist-to dir to keep them apart.";
  let values: { "persist-to"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options: { "persist-to": { type: "string" }, help: { type: "boolean", short: "h" } } }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  try {
    const seed = seedLocalDatabase({ persistTo: values["persist-to"] });
    console.log(`Seeded ${seed.violations} violations and ${seed.transitions} stage transitions into the local D1.`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
