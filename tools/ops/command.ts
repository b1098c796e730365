// The shape of an `npm run ops` command and the database it acts on. Node-only.
import { applyLocalMigrations, DATABASE, localD1Args, runWrangler } from "../wrangler-cli";

export interface OpsTarget {
  remote: boolean;
  persistTo?: string;
}

export interface OpsCommand {
  name: string;
  help: string;
  run: (target: OpsTarget, args: string[]) => Promise<number>;
}

/** Runs SQL through `wrangler d1 execute … --json` on the target and returns the rows of the last statement. */
export function executeSql(sql: string, t: OpsTarget): Array<Record<string, unknown>> {
  if (!t.remote) applyLocalMigrations({ persistDir: t.persistTo });
  const out = runWrangler(["d1", "execute", DATABASE, ...(t.remote ? ["--remote"] : localD1Args({ persistDir: t.persistTo })), "--json", "--command", sql]);
  const start = out.indexOf("[");
  const parsed: unknown = JSON.parse(start >= 0 ? out.slice(start) : "[]");
  const last = Array.isArray(parsed) ? (parsed[parsed.length - 1] as { results?: Array<Record<string, unknown>> } | undefined) : undefined;
  return last?.results ?? [];
}

