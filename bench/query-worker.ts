// The bench's in-workerd runner: times each query next to D1 (as the deployed Worker would run it), so the
// figures exclude the Node↔workerd proxy. workerd's clock advances on I/O, which every D1 call is.
import { listViolations } from "../src/store/violations-query";
import { buildQueryCases } from "./query-cases";

interface RunRequest {
  now: number;
  runs: number;
  warmup: number;
  name?: string;
}

export default {
  async fetch(request: Request, env: { DB: D1Database }): Promise<Response> {
    const body = (await request.json()) as RunRequest;
    const first = await listViolations(env.DB, { teams: null }, { sort: "desc", limit: 50 });
    const cases = buildQueryCases(env.DB, body.now, first.next ?? undefined);
    if (!body.name) return Response.json({ names: Object.keys(cases) });
    const run = cases[body.name];
    if (!run) return Response.json({ error: "unknown query" }, { status: 404 });
    for (let i = 0; i < body.warmup; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < body.runs; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return Response.json({ times });
  },
};
