import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("healthz reports config and D1", async () => {
    const res = await exports.default.fetch("http://example.com/healthz");
    expect(res.status).toBe(200);
    const body = await res.json<{ ok: boolean }>();
    expect(body.ok).toBe(true);
  });
  it("writes to D1", async () => {
    await env.DB.prepare("INSERT INTO dead_letters (id, queue, attempts, body, failed_at) VALUES (?,?,?,?,?)").bind("a", "q", 1, "{}", 1).run();
    const row = await env.DB.prepare("SELECT count(*) AS n FROM dead_letters").first<{ n: number }>();
    expect(row?.n).toBe(1);
  });
});
