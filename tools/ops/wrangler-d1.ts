// The engine's D1 as seen from a Node CLI: the few D1Database calls the store uses (prepare → bind → all/first/run,
// batch), each run through `wrangler d1 execute` against the local state or, with --remote, the deployed database.
// Bound values are inlined as SQL literals (strings quoted, quotes doubled). Node-only; never in the Worker.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DATABASE, localD1Args, runWrangler } from "../wrangler-cli";

export interface D1Target {
  remote: boolean;
  persistTo?: string;
}

type Value = string | number | boolean | null | undefined;

function literal(v: Value): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`cannot bind ${v} in SQL`);
    return String(v);
  }
  return `'${v.replaceAll("'", "''")}'`;
}

/** Replaces each `?` outside quoted strings with the next value. */
export function inlineParams(sql: string, values: readonly Value[]): string {
  let out = "";
  let next = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === "?") {
      if (next >= values.length) throw new Error(`too few values bound for: ${sql.slice(0, 80)}`);
      out += literal(values[next++]);
    } else out += ch;
  }
  if (next !== values.length) throw new Error(`${values.length} values bound, ${next} used, for: ${sql.slice(0, 80)}`);
  return out;
}

interface ExecuteResult {
  results?: Array<Record<string, unknown>>;
  meta?: { changes?: number };
}

function parseResults(out: string): ExecuteResult[] {
  const start = out.indexOf("[");
  const parsed: unknown = JSON.parse(start >= 0 ? out.slice(start) : "[]");
  return Array.isArray(parsed) ? (parsed as ExecuteResult[]) : [];
}

class WranglerStatement {
  constructor(private readonly db: WranglerD1, readonly sql: string, private readonly values: readonly Value[] = []) {}
  bind(...values: Value[]): WranglerStatement {
    return new WranglerStatement(this.db, this.sql, values);
  }
  text(): string {
    return inlineParams(this.sql, this.values);
  }
  async all<T>(): Promise<{ results: T[]; success: true; meta: { changes: number } }> {
    const [r] = this.db.execute([this.text()]);
    return { results: (r?.results ?? []) as T[], success: true, meta: { changes: r?.meta?.changes ?? 0 } };
  }
  async first<T>(): Promise<T | null> {
    return (await this.all<T>()).results[0] ?? null;
  }
  async run(): Promise<{ success: true; meta: { changes: number }; results: unknown[] }> {
    return this.all<unknown>();
  }
}

export class WranglerD1 {
  constructor(private readonly target: D1Target) {}

  prepare(sql: string): WranglerStatement {
    return new WranglerStatement(this, sql);
  }

  async batch(statements: WranglerStatement[]): Promise<Array<{ results: unknown[]; success: true; meta: { changes: number } }>> {
    if (statements.length === 0) return [];
    // A --file run answers no rows: statements whose rows are read (SELECT, RETURNING) go one by one.
    if (statements.some((s) => /^\s*SELECT|\bRETURNING\b/i.test(s.sql))) {
      return statements.map((s) => this.execute([s.text()])[0] ?? {}).map((r) => ({ results: r.results ?? [], success: true as const, meta: { changes: r.meta?.changes ?? 0 } }));
    }
    return this.execute(statements.map((s) => s.text())).map((r) => ({ results: r.results ?? [], success: true as const, meta: { changes: r.meta?.changes ?? 0 } }));
  }

  /** Runs the statements in one wrangler call (a file, so a large batch fits); returns each statement's result. */
  execute(sql: string[]): ExecuteResult[] {
    const where = this.target.remote ? ["--remote"] : localD1Args({ persistDir: this.target.persistTo });
    // One statement (the reads) as --command: a remote --file import answers no rows.
    if (sql.length === 1) return parseResults(runWrangler(["d1", "execute", DATABASE, ...where, "--json", "--command", sql[0] ?? ""]));
    const dir = mkdtempSync(path.join(tmpdir(), "ops-d1-"));
    try {
      const file = path.join(dir, "statements.sql");
      writeFileSync(file, `${sql.map((s) => s.trim().replace(/;$/, "")).join(";\n")};\n`);
      return parseResults(runWrangler(["d1", "execute", DATABASE, ...where, "--json", "--file", file]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The store's functions take a D1Database; this class answers the subset of it they call. */
  asD1(): D1Database {
    return this as unknown as D1Database;
  }
}
