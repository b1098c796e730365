// Lets Node-side benches and tools type-check src/store/* (written against the Workers' global D1 types) while
// passing them Miniflare's D1 proxy, which implements the same interfaces.
import type { D1Database as D1, D1PreparedStatement as Prepared, D1Result as Result, Queue as WorkersQueue } from "@cloudflare/workers-types/experimental";

declare global {
  type D1Database = D1;
  type D1PreparedStatement = Prepared;
  type D1Result<T = unknown> = Result<T>;
  // src/env.ts names the queue binding's type; the ops CLI type-checks the jobs that import it.
  type Queue<T = unknown> = WorkersQueue<T>;
}
export {};
