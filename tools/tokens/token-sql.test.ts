// The token CLI's SQL builders: validated input, quoted literals, nothing spliced unescaped.
import { describe, expect, it } from "vitest";
import { buildInsertTokenSql, buildRevokeSql, CreateArgsSchema, parseExpiry, quoteSql } from "./token-sql";

describe("token SQL", () => {
  it("quotes single quotes and NULLs", () => {
    expect(quoteSql("o'brien")).toBe("'o''brien'");
    expect(quoteSql(null)).toBe("NULL");
    expect(quoteSql(12)).toBe("12");
  });

  it("refuses names, roles and teams outside the allowed characters", () => {
    expect(CreateArgsSchema.safeParse({ name: "x'; DROP TABLE api_tokens; --", role: "admin", teams: null, expiresAt: null }).success).toBe(false);
    expect(CreateArgsSchema.safeParse({ name: "ok", role: "root", teams: null, expiresAt: null }).success).toBe(false);
    expect(CreateArgsSchema.safeParse({ name: "ok", role: "manager", teams: ["a b"], expiresAt: null }).success).toBe(false);
    expect(CreateArgsSchema.safeParse({ name: "ok", role: "manager", teams: ["team-east"], expiresAt: null }).success).toBe(true);
  });

  it("builds an insert with the hash, never a raw token", () => {
    const sql = buildInsertTokenSql({ id: "tok_1", name: "n", role: "manager", teams: ["a", "b"], expiresAt: 5, tokenHash: "ab".repeat(32), createdAt: 1 });
    expect(sql).toBe(`INSERT INTO api_tokens (id, name, role, teams, token_hash, created_at, expires_at) VALUES ('tok_1', 'n', 'manager', '["a","b"]', '${"ab".repeat(32)}', 1, 5);`);
  });

  it("revokes by id or name with the value quoted, and ends sessions", () => {
    const sql = buildRevokeSql("it's", 7);
    expect(sql).toContain("id = 'it''s' OR name = 'it''s'");
    expect(sql).toContain("UPDATE sessions SET revoked_at = 7");
  });

  it("parses expiry dates", () => {
    expect(parseExpiry("2027-01-01")).toBe(Date.UTC(2027, 0, 1));
    expect(parseExpiry("soon")).toBeNull();
  });
});
