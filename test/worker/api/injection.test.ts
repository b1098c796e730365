// SQL-injection strings in every filter and path parameter: each answer is a 200 with no rows or a 400,
// never a 500, and the tables are intact afterwards (values are bound, never spliced into SQL).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { call, createToken, DAY, insertViolations } from "./fixtures";

// Many requests per test: generous timeouts so a busy CI machine does not fail them (speed lives in benchmarks).
vi.setConfig({ testTimeout: 60_000 });

const PAYLOADS = [
  "' OR '1'='1",
  "x' OR 1=1 --",
  "1; DROP TABLE violations; --",
  "' UNION SELECT token_hash, name, role, teams, id, 1, 1, 1, 1 FROM api_tokens --",
  "\") OR (\"a\"=\"a",
  "%' OR owner_id LIKE '%",
  "o1' /*",
  "0x27 OR 1=1",
  "'; UPDATE api_tokens SET role='admin'; --",
];
const FILTERS = ["status", "owner", "team", "policy", "rule", "severity", "mode", "pipeline", "stage", "deal", "from", "to", "sort", "limit", "cursor", "format"];

let admin = "";
let limited = "";

beforeAll(async () => {
  const now = Date.now();
  await insertViolations(Array.from({ length: 5 }, (_, i) => ({ id: `iv${i}`, ownerId: "o1", teamId: "t1", occurredAt: now - i * DAY })));
  admin = await createToken({ role: "admin" });
  limited = await createToken({ role: "manager", teams: ["t1"] });
});

async function tablesIntact(): Promise<void> {
  const v = await env.DB.prepare("SELECT COUNT(*) AS n FROM violations").first<{ n: number }>();
  expect(v?.n).toBe(5);
  const t = await env.DB.prepare("SELECT COUNT(*) AS n FROM api_tokens WHERE role = 'admin'").first<{ n: number }>();
  expect(t?.n).toBe(1);
}

describe("SQL injection", () => {
  for (const filter of FILTERS) {
    it(`in ?${filter}= is rejected or matches nothing`, async () => {
      for (const payload of PAYLOADS) {
        for (const token of [admin, limited]) {
          const res = await call(`/api/violations?${filter}=${encodeURIComponent(payload)}`, { token });
          expect([200, 400, 403], `${filter}=${payload}`).toContain(res.status);
          if (res.status === 200) expect((await res.json<{ items: unknown[] }>()).items).toEqual([]);
        }
      }
      await tablesIntact();
    });
  }

  for (const filter of ["team", "owner", "policy", "rule", "from", "to"]) {
    it(`in the summary's ?${filter}= is rejected or counts nothing`, async () => {
      for (const payload of PAYLOADS) {
        const res = await call(`/api/summary?${filter}=${encodeURIComponent(payload)}`, { token: admin });
        expect([200, 400]).toContain(res.status);
        if (res.status === 200) expect((await res.json<{ totals: { total: number } }>()).totals.total).toBe(0);
      }
      await tablesIntact();
    });
  }

  it("in path parameters is a 400/404, never a 500", async () => {
    for (const payload of PAYLOADS) {
      for (const route of ["/api/violations/", "/api/reps/", "/api/policies/"]) {
        const res = await call(route + encodeURIComponent(payload), { token: admin });
        expect([400, 404], `${route}${payload}`).toContain(res.status);
      }
      const page = await call(`/api/policies/entry-criteria?from=${encodeURIComponent(payload)}`, { token: admin });
      expect(page.status).toBe(400);
    }
    await tablesIntact();
  });

  it("in the sign-in form and the bearer token is a 401", async () => {
    for (const payload of PAYLOADS) {
      expect((await call("/api/violations", { token: payload.replace(/\s/g, "") })).status).toBe(401);
      const res = await call("/dashboard/login", { method: "POST", body: new URLSearchParams({ token: payload }), headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(res.status).toBe(401);
    }
    await tablesIntact();
  });
});
