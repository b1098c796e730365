// The local cache of what a back-test read from HubSpot (portal schema and owners; deals with history per window and
// property list), so a second run over the same window costs no API call. Files under .backtest-cache/ (git-ignored);
// --refresh reads HubSpot again. Node-only.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const CACHE_DIR = ".backtest-cache";

export interface JsonCache {
  get<T>(parts: readonly unknown[]): T | null;
  put(parts: readonly unknown[], value: unknown): void;
}

function fileOf(dir: string, parts: readonly unknown[]): string {
  const key = createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 24);
  return path.join(dir, `${String(parts[0])}-${key}.json`);
}

/** A cache in `dir`; an unreadable entry counts as a miss (and is overwritten by the next put). */
export function fileCache(dir = CACHE_DIR): JsonCache {
  return {
    get<T>(parts: readonly unknown[]): T | null {
      const file = fileOf(dir, parts);
      if (!existsSync(file)) return null;
      try {
        return JSON.parse(readFileSync(file, "utf8")) as T;
      } catch (e) {
        process.stderr.write(`note: ignoring unreadable cache entry ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
        return null;
      }
    },
    put(parts, value) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(fileOf(dir, parts), JSON.stringify(value));
    },
  };
}
