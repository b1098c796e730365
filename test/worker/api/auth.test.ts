// Access control on every /api route and dashboard page: 401 for missing/bad/expired/revoked credentials,
// 403 for the wrong role or another team's data; sessions set secure cookies and end on logout/revocation.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { call, createToken, DAY, insertTransitions, insertViolations, signIn, type ErrorJson } from "./fixtures";

// Many requests per test: generous timeouts so a busy CI machine does not fail them (speed lives in benchmarks).
vi.setConfig({ testTimeout: 60_000 });

const API_ROUTES = [
  "/api/violations", "/api/violations?format=csv", "/api/violations/v-t1", "/api/summary", "/api/reps/o1",
  "/api/policies/entry-criteria", "/api/me", "/api/tokens", "/api/openapi.json", "/api/docs",
];
const DASHBOARD_PAGES = ["/dashboard", "/dashboard/violations", "/dashboard/violations.csv", "/dashboard/violations/v-t1", "/dashboard/reps/o1", "/dashboard/policies/entry-criteria"];

let admin = "";
let manager = "";
let teamTwoManager = "";
let expired = "";
let revoked = "";

beforeAll(async () => {
  const now = Date.now();
  await insertViolations([
    { id: "v-t1", ownerId: "o1", teamId: "t1", occurredAt: now - DAY },
    { id: "v-t2", ownerId: "o2", teamId: "t2", occurredAt: now - DAY },
  ]);
  await insertTransitions([
    { id: "tr1", dealId: "d1", ownerId: "o1", teamId: "t1", fromStage: null, toStage: "appointmentscheduled", toIndex: 0, occurredAt: now - 2 * DAY },
    { id: "tr2", dealId: "d2", ownerId: "o2", teamId: "t2", fromStage: null, toStage: "appointmentscheduled", toIndex: 0, occurredAt: now - 2 * DAY },
  ]);
  admin = await createToken({ role: "admin" });
  manager = await createToken({ role: "manager" });
  teamTwoManager = await createToken({ role: "manager", teams: ["t2"] });
  expired = await createToken({ role: "admin", expiresAt: now - 1000 });
  revoked = await createToken({ role: "admin", revoked: true });
});

describe("API credentials", () => {
  for (const route of API_ROUTES) {
    it(`${route}: 401 without a token, with a wrong, expired or revoked token; 200 with a good one`, async () => {
      const cases: Array<[string | undefined, string]> = [
        [undefined, "missing"], ["dg_not-a-real-token", "wrong"], [expired, "expired"], [revoked, "revoked"],
      ];
      for (const [token, why] of cases) {
        const res = await call(route, { token });
        expect(res.status, `${why} token`).toBe(401);
        expect((await res.json<ErrorJson>()).error.code).toBe("UNAUTHORIZED");
      }
      expect((await call(route, { token: admin })).status).toBe(200);
    });
  }

  it("a malformed Authorization header is 401, not 500", async () => {
    for (const header of ["Bearer", "Basic abc", "Bearer a b", "bearer    "]) {
      const res = await call("/api/violations", { headers: { authorization: header } });
      expect(res.status).toBe(401);
    }
  });

  it("records last use of a token", async () => {
    await call("/api/me", { token: manager });
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM api_tokens WHERE role = 'manager' AND last_used_at IS NOT NULL").first<{ n: number }>();
    expect(row?.n).toBeGreaterThan(0);
  });

  it("stores only hashes of tokens", async () => {
    const { results } = await env.DB.prepare("SELECT * FROM api_tokens").all<Record<string, unknown>>();
    const text = JSON.stringify(results);
    for (const t of [admin, manager, teamTwoManager]) expect(text).not.toContain(t);
  });
});

describe("roles and teams", () => {
  it("token management is admin-only (403 for a manager)", async () => {
    expect((await call("/api/tokens", { token: manager })).status).toBe(403);
    const create = await call("/api/tokens", { token: manager, method: "POST", body: JSON.stringify({ name: "x", role: "admin" }), headers: { "content-type": "application/json" } });
    expect(create.status).toBe(403);
    expect((await call("/api/tokens/whatever/revoke", { token: manager, method: "POST" })).status).toBe(403);
  });

  it("an admin creates a token that works once, then revokes it", async () => {
    const res = await call("/api/tokens", { token: admin, method: "POST", body: JSON.stringify({ name: "api-made", role: "manager", teams: ["t1"] }), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(201);
    const made = await res.json<{ token: string; id: string }>();
    expect(made.token).toMatch(/^dg_[A-Za-z0-9_-]{43}$/);
    expect((await call("/api/me", { token: made.token })).status).toBe(200);
    expect((await call(`/api/tokens/${made.id}/revoke`, { token: admin, method: "POST" })).status).toBe(200);
    expect((await call("/api/me", { token: made.token })).status).toBe(401);
  });

  it("a team-limited manager gets 403 for another team's violation, rep, or team filter", async () => {
    for (const route of ["/api/violations/v-t1", "/api/reps/o1", "/api/violations?team=t1", "/api/summary?team=t1", "/api/violations?format=csv&team=t1"]) {
      const res = await call(route, { token: teamTwoManager });
      expect(res.status, route).toBe(403);
      expect((await res.json<ErrorJson>()).error.code).toBe("FORBIDDEN");
    }
  });

  it("a team-limited manager only ever sees their teams' rows", async () => {
    const list = await (await call("/api/violations", { token: teamTwoManager })).json<{ items: Array<{ id: string; teamId: string }> }>();
    expect(list.items.map((v) => v.id)).toEqual(["v-t2"]);
    const csv = await (await call("/api/violations?format=csv", { token: teamTwoManager })).text();
    expect(csv).toContain("v-t2");
    expect(csv).not.toContain("v-t1");
    const summary = await (await call("/api/summary", { token: teamTwoManager })).json<{ totals: { total: number }; byOwner: Array<{ ownerId: string }>; stageChanges: { total: number; creations: number } }>();
    expect(summary.totals.total).toBe(1);
    expect(summary.byOwner.map((o) => o.ownerId)).toEqual(["o2"]);
    // Both seeded changes are deal creations, counted apart from compliance's stage moves (issue 10).
    expect(summary.stageChanges.creations).toBe(1);
    expect((await call("/api/violations/v-t2", { token: teamTwoManager })).status).toBe(200);
    expect((await call("/api/reps/o2", { token: teamTwoManager })).status).toBe(200);
    const policy = await (await call("/api/policies/entry-criteria", { token: teamTwoManager })).json<{ rules: Array<{ total: number }> }>();
    expect(policy.rules.reduce((n, r) => n + r.total, 0)).toBe(1);
  });

  it("an unrestricted manager reads everything but cannot manage tokens", async () => {
    expect((await call("/api/violations/v-t1", { token: manager })).status).toBe(200);
    expect((await call("/api/reps/o1", { token: manager })).status).toBe(200);
  });
});

describe("dashboard sessions", () => {
  it("every page is 401 (with the sign-in form) without a session", async () => {
    for (const page of DASHBOARD_PAGES) {
      const res = await call(page);
      expect(res.status, page).toBe(401);
      expect(await res.text()).toContain('action="/dashboard/login"');
    }
  });

  it("a bad, expired or revoked token cannot sign in", async () => {
    for (const token of ["dg_nope", expired, revoked]) {
      const res = await call("/dashboard/login", { method: "POST", body: new URLSearchParams({ token }), headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("sign-in sets an HttpOnly, Secure, SameSite session cookie that opens every page", async () => {
    const res = await call("/dashboard/login", { method: "POST", body: new URLSearchParams({ token: admin }), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(303);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=(Lax|Strict)/i);
    const session = await signIn(admin);
    for (const page of DASHBOARD_PAGES) expect((await call(page, { cookie: session })).status, page).toBe(200);
    const { results } = await env.DB.prepare("SELECT id_hash FROM sessions").all<{ id_hash: string }>();
    expect(JSON.stringify(results)).not.toContain(session.split("=")[1]);
  });

  it("a cross-site sign-in post is refused", async () => {
    const res = await call("/dashboard/login", { method: "POST", body: new URLSearchParams({ token: admin }), headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" } });
    expect(res.status).toBe(403);
  });

  it("logout ends the session server-side", async () => {
    const session = await signIn(manager);
    expect((await call("/dashboard", { cookie: session })).status).toBe(200);
    const out = await call("/dashboard/logout", { method: "POST", cookie: session });
    expect(out.status).toBe(303);
    expect((await call("/dashboard", { cookie: session })).status).toBe(401);
  });

  it("revoking the token ends its sessions", async () => {
    const token = await createToken({ role: "manager", name: "to-revoke" });
    const session = await signIn(token);
    expect((await call("/dashboard", { cookie: session })).status).toBe(200);
    expect((await call("/api/tokens/to-revoke/revoke", { token: admin, method: "POST" })).status).toBe(200);
    expect((await call("/dashboard", { cookie: session })).status).toBe(401);
  });

  it("a team-limited manager's session gets 403 on another team's pages", async () => {
    const session = await signIn(teamTwoManager);
    for (const page of ["/dashboard/violations/v-t1", "/dashboard/reps/o1", "/dashboard/violations?team=t1", "/dashboard?team=t1"]) {
      expect((await call(page, { cookie: session })).status, page).toBe(403);
    }
    const list = await (await call("/dashboard/violations", { cookie: session })).text();
    expect(list).toContain("v-t2");
    expect(list).not.toContain("/dashboard/violations/v-t1");
  });

  it("the session cookie does not authenticate /api data routes (bearer only)", async () => {
    const session = await signIn(admin);
    expect((await call("/api/violations", { cookie: session })).status).toBe(401);
    expect((await call("/api/docs", { cookie: session })).status).toBe(200);
  });
});
