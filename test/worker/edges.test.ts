// The Worker's edges as a browser or spreadsheet meets them: the sign-in redirect, security headers on every kind
// of response (the API docs page included, which must still render under its CSP); CSV exports a spreadsheet opens.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { HTML_CSP } from "../../src/http/security-headers";
import { call, createToken, insertViolations, signIn } from "./api/fixtures";

vi.setConfig({ testTimeout: 60_000 });

let admin = "";
beforeAll(async () => {
  admin = await createToken({ role: "admin" });
});

function postLogin(token: string, next: string): Promise<Response> {
  return call("/dashboard/login", { method: "POST", body: new URLSearchParams({ token, next }), headers: { "content-type": "application/x-www-form-urlencoded" } });
}

describe("sign-in `next`", () => {
  const hostile = [
    "/dashboard\r\nSet-Cookie: evil=1",
    "/dashboard/\n",
    "/dashboard\u0000",
    "/dashboard/%0d%0aX: y\r",
    "//evil.example/",
    "/\\evil.example",
    "https://evil.example/",
    "/\t/evil.example",
    "dashboard",
  ];
  for (const next of hostile) {
    it(`${JSON.stringify(next)} → 303 to /dashboard, never a 500 or another site`, async () => {
      const res = await postLogin(admin, next);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/dashboard");
      expect(res.headers.get("set-cookie")).toContain("dg_session=");
      expect(res.headers.get("evil")).toBeNull();
    });
  }

  it("a same-site path is followed", async () => {
    const res = await postLogin(admin, "/dashboard/violations?status=open");
    expect(res.headers.get("location")).toBe("/dashboard/violations?status=open");
    expect((await postLogin(admin, "/api/docs")).headers.get("location")).toBe("/api/docs");
  });

  it("the sign-in page never echoes a hostile next into its form", async () => {
    const res = await call(`/dashboard/login?next=${encodeURIComponent("//evil.example/\r\n")}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('name="next" value="/dashboard"');
  });

  it("a body that is not a form is 400, not 500", async () => {
    const res = await call("/dashboard/login", { method: "POST", body: "--x\r\nbroken", headers: { "content-type": "multipart/form-data; boundary=nope" } });
    expect(res.status).toBe(400);
  });
});

describe("security headers", () => {
  let session = "";
  beforeAll(async () => {
    session = await signIn(admin);
  });

  const requests: Array<[string, () => Promise<Response>]> = [
    ["GET /dashboard/login", () => call("/dashboard/login")],
    ["GET /dashboard without a session (401 page)", () => call("/dashboard")],
    ["GET /dashboard", () => call("/dashboard", { cookie: session })],
    ["GET /dashboard/nope (404 page)", () => call("/dashboard/nope", { cookie: session })],
    ["GET /dashboard/violations.csv", () => call("/dashboard/violations.csv", { cookie: session })],
    ["GET /dashboard/assets/app.css", () => call("/dashboard/assets/app.css")],
    ["GET /api/docs (session)", () => call("/api/docs", { cookie: session })],
    ["GET /api/docs (bearer)", () => call("/api/docs", { token: admin })],
    ["GET /api/docs without credentials (401)", () => call("/api/docs")],
    ["GET /api/openapi.json", () => call("/api/openapi.json", { token: admin })],
    ["GET /api/violations", () => call("/api/violations", { token: admin })],
    ["GET /api/violations?bad (400)", () => call("/api/violations?limit=abc", { token: admin })],
    ["GET /api/me without a token (401)", () => call("/api/me")],
    ["GET /healthz", () => call("/healthz")],
    ["GET /webhooks/hubspot (405)", () => call("/webhooks/hubspot")],
    ["POST /webhooks/hubspot unsigned (401)", () => call("/webhooks/hubspot", { method: "POST", body: "[]" })],
    ["GET /nope (404)", () => call("/nope")],
  ];
  for (const [name, request] of requests) {
    it(`${name}: nosniff; HTML also CSP with frame-ancestors 'none' and X-Frame-Options DENY`, async () => {
      const res = await request();
      const type = res.headers.get("content-type") ?? "";
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      if (type.startsWith("text/html")) {
        expect(res.headers.get("content-security-policy")).toBe(HTML_CSP);
        expect(res.headers.get("x-frame-options")).toBe("DENY");
        expect(res.headers.get("cache-control")).toBe("no-store");
      } else {
        expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      }
      await res.body?.cancel();
    });
  }

  it("/api/docs renders under its CSP: every script and stylesheet is a same-site file that loads, nothing inline", async () => {
    const res = await call("/api/docs", { cookie: session });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("openapi.json");
    expect(html).toContain("/api/violations");
    // CSP allows 'self' scripts and stylesheets only: no inline <script>/<style>, no event-handler attributes.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style[\s>]/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    const assets = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset.startsWith("/") && !asset.startsWith("//"), asset).toBe(true);
      const loaded = await call(asset);
      expect(loaded.status, asset).toBe(200);
      expect(loaded.headers.get("content-type"), asset).toMatch(/^text\/(css|javascript)/);
      await loaded.body?.cancel();
    }
    expect(HTML_CSP).toContain("script-src 'self'");
    expect(HTML_CSP).toContain("style-src-elem 'self'");
  });
});

describe("CSV exports neutralise formula-like deal names", () => {
  const names = ["=HYPERLINK(\"https://evil.example\")", " =1+1", "\n=1+1", "\t@SUM(A1)", "＝1+1", "-2+3", "+1", "@x"];

  it("in /api/violations?format=csv and /dashboard/violations.csv", async () => {
    await insertViolations(names.map((dealName, i) => ({ id: `csv-${i}`, dealName, teamId: "csv", occurredAt: Date.now() - i * 1000 })));
    const session = await signIn(admin);
    for (const res of [await call("/api/violations?format=csv&team=csv", { token: admin }), await call("/dashboard/violations.csv?team=csv", { cookie: session })]) {
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const name of names) {
        const quoted = `"'${name.replace(/"/g, '""')}"`;
        expect(text.includes(`,'${name},`) || text.includes(`,${quoted},`), JSON.stringify(name)).toBe(true);
      }
    }
  });
});
