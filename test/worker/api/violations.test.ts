// GET /api/violations and /api/violations/{id}: every filter, keyset pages under concurrent inserts,
// CSV equal to JSON, 400 naming each bad field, and the detail's trace/actions/source events.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { NAME_FIELDS } from "../../../src/http/api/with-names";
import { VIOLATION_ITEM_FIELDS } from "../../../src/store/violations";
import { call, createToken, DAY, insertViolations, type ErrorJson, type ViolationSeed } from "./fixtures";

interface Item { id: string; [k: string]: unknown }
interface Page { items: Item[]; nextCursor: string | null }

const BASE = Date.UTC(2026, 9, 1); // 2026-10-01
let admin = "";

const seeds: ViolationSeed[] = Array.from({ length: 40 }, (_, i) => ({
  id: `v${String(i).padStart(3, "0")}`,
  dealId: `d${i % 10}`,
  ownerId: `o${i % 4}`,
  teamId: `t${i % 2}`,
  policyId: i % 3 === 0 ? "forecast-hygiene" : "entry-criteria",
  ruleId: i % 3 === 0 ? "close-date-set" : i % 3 === 1 ? "amount-required" : "decision-maker",
  severity: (["info", "warning", "critical"] as const)[i % 3],
  mode: i % 5 === 0 ? "audit" : "enforce",
  pipelineId: i % 4 === 3 ? "renewals" : "default",
  toStage: i % 2 === 0 ? "contractsent" : "decisionmakerboughtin",
  status: i % 4 === 0 ? "resolved" : "open",
  // Some share a timestamp so ties on occurred_at are exercised.
  occurredAt: BASE + Math.floor(i / 2) * DAY,
}));

async function getJson(path: string): Promise<Page> {
  const res = await call(path, { token: admin });
  expect(res.status, path).toBe(200);
  return res.json<Page>();
}

async function getAll(query: string, limit = 7): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await getJson(`/api/violations?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  await insertViolations(seeds);
  admin = await createToken({ role: "admin" });
});

describe("filters", () => {
  const cases: Array<[string, (s: ViolationSeed) => boolean]> = [
    ["status=open", (s) => s.status === "open"],
    ["status=resolved", (s) => s.status === "resolved"],
    ["owner=o1", (s) => s.ownerId === "o1"],
    ["team=t0", (s) => s.teamId === "t0"],
    ["policy=forecast-hygiene", (s) => s.policyId === "forecast-hygiene"],
    ["policy=entry-criteria&rule=decision-maker", (s) => s.policyId === "entry-criteria" && s.ruleId === "decision-maker"],
    ["rule=amount-required", (s) => s.ruleId === "amount-required"],
    ["severity=critical", (s) => s.severity === "critical"],
    ["mode=audit", (s) => s.mode === "audit"],
    ["pipeline=renewals", (s) => s.pipelineId === "renewals"],
    ["stage=contractsent", (s) => s.toStage === "contractsent"],
    ["deal=d3", (s) => s.dealId === "d3"],
    ["from=2026-10-05&to=2026-10-08", (s) => s.occurredAt >= BASE + 4 * DAY && s.occurredAt < BASE + 8 * DAY],
    [`from=${BASE + 10 * DAY}`, (s) => s.occurredAt >= BASE + 10 * DAY],
    ["to=2026-10-02T00:00:00Z", (s) => s.occurredAt < BASE + DAY],
    ["status=open&team=t1&severity=warning", (s) => s.status === "open" && s.teamId === "t1" && s.severity === "warning"],
  ];
  for (const [query, predicate] of cases) {
    it(`${query} returns exactly the matching rows, newest first`, async () => {
      const expected = seeds.filter(predicate).sort((a, b) => b.occurredAt - a.occurredAt || (a.id < b.id ? 1 : -1)).map((s) => s.id);
      expect(expected.length).toBeGreaterThan(0);
      const items = await getAll(query);
      expect(items.map((i) => i.id)).toEqual(expected);
    });
  }

  it("sort=occurred_at pages oldest first", async () => {
    const items = await getAll("sort=occurred_at", 9);
    const expected = [...seeds].sort((a, b) => a.occurredAt - b.occurredAt || (a.id < b.id ? -1 : 1)).map((s) => s.id);
    expect(items.map((i) => i.id)).toEqual(expected);
  });
});

describe("pagination", () => {
  it("stays stable while new violations arrive between pages", async () => {
    const before = await getAll("team=t0&to=2026-12-01", 100);
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const page: Page = await getJson(`/api/violations?team=t0&to=2026-12-01&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      // Concurrent writers: a newer violation (lands before page 1) and one with the same occurred_at as the boundary.
      round += 1;
      await insertViolations([
        { id: `new-${round}`, teamId: "t0", occurredAt: BASE + 100 * DAY + round },
        { id: `zz-tie-${round}`, teamId: "t0", occurredAt: BASE },
      ]);
    } while (cursor);
    // Every row that existed at the start appears once, in order; late rows may appear only after the cursor.
    const original = new Set(before.map((i) => i.id));
    expect(seen.filter((id) => original.has(id))).toEqual(before.map((i) => i.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.some((id) => id.startsWith("new-"))).toBe(false);
  });

  it("a cursor from the other sort order is a 400", async () => {
    const page = await getJson("/api/violations?limit=2");
    const res = await call(`/api/violations?sort=occurred_at&cursor=${page.nextCursor}`, { token: admin });
    expect(res.status).toBe(400);
  });
});

describe("CSV", () => {
  function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ",") { row.push(cell); cell = ""; }
      else if (ch === "\r") continue;
      else if (ch === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
      else cell += ch;
    }
    return rows;
  }
  const asCell = (v: unknown) => (v === null ? "" : Array.isArray(v) ? JSON.stringify(v) : String(v));

  for (const query of ["", "status=open&team=t1", "sort=occurred_at&severity=info"]) {
    it(`equals the JSON rows for ?${query}`, async () => {
      const json = await getAll(query, 5);
      const res = await call(`/api/violations?format=csv&${query}`, { token: admin });
      expect(res.headers.get("content-type")).toContain("text/csv");
      const [header, ...rows] = parseCsv(await res.text());
      const fields = [...VIOLATION_ITEM_FIELDS, ...NAME_FIELDS];
      expect(header).toEqual(fields);
      expect(rows).toEqual(json.map((item) => fields.map((f) => asCell(item[f]))));
    });
  }

  it("streams more rows than one internal page (500)", async () => {
    const many = Array.from({ length: 620 }, (_, i) => ({ id: `bulk-${i}`, teamId: "bulk", occurredAt: BASE - (i + 1) * 1000 }));
    await insertViolations(many);
    const text = await (await call("/api/violations?format=csv&team=bulk", { token: admin })).text();
    expect(text.trim().split("\r\n").length).toBe(621);
  });
});

describe("invalid queries", () => {
  it("name each bad field", async () => {
    const res = await call("/api/violations?status=closed&severity=huge&limit=0&from=yesterday&bogus=1&cursor=xyz&sort=amount", { token: admin });
    expect(res.status).toBe(400);
    const body = await res.json<ErrorJson>();
    expect(body.error.code).toBe("INVALID_QUERY");
    const fields = (body.error.details ?? []).map((d) => d.field).sort();
    expect(fields).toEqual(["bogus", "cursor", "from", "limit", "severity", "sort", "status"]);
    for (const f of fields) expect(body.error.message).toContain(f);
  });

  it("reject a repeated parameter and a window that ends before it starts", async () => {
    expect((await call("/api/violations?status=open&status=resolved", { token: admin })).status).toBe(400);
    expect((await call("/api/summary?from=2026-10-10&to=2026-10-01", { token: admin })).status).toBe(400);
    const res = await call("/api/reps/o1?from=nope", { token: admin });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorJson>()).error.details?.[0]?.field).toBe("from");
  });
});

describe("one violation", () => {
  it("has its trace, actions with outcomes and the source events from the inbox", async () => {
    const hash = "a".repeat(64);
    await env.DB.prepare(
      `INSERT INTO inbox_events (hash, event_id, portal_id, subscription_type, object_id, property_name, occurred_at, received_at, attempt_number, payload)
       VALUES (?, 'e-1', 555, 'deal.propertyChange', 'd-detail', 'dealstage', ?, ?, 0, '{"eventId":1}')`,
    ).bind(hash, BASE, BASE + 10).run();
    await insertViolations([
      {
        id: "detail-1", dealId: "d-detail", occurredAt: BASE, sourceEvents: [hash],
        trace: [{ check: "required", expression: "deal.amount != null", passed: false, values: { amount: null }, detail: "Amount is empty" }],
        actions: [{ type: "task", planned: {}, outcome: "done", taskId: "t-9" }, { type: "revert", planned: {}, outcome: "failed", error: "400 required property" }],
      },
    ]);
    const res = await call("/api/violations/detail-1", { token: admin });
    expect(res.status).toBe(200);
    const v = await res.json<{ trace: Array<{ detail: string }>; actions: Array<{ outcome: string; taskId?: string }>; sourceEvents: Array<{ hash: string; payload: unknown }> }>();
    expect(v.trace[0]?.detail).toBe("Amount is empty");
    expect(v.actions.map((a) => a.outcome)).toEqual(["done", "failed"]);
    expect(v.actions[0]?.taskId).toBe("t-9");
    expect(v.sourceEvents).toEqual([expect.objectContaining({ hash, payload: { eventId: 1 } })]);
  });

  it("404 for an unknown id", async () => {
    expect((await call("/api/violations/nope", { token: admin })).status).toBe(404);
  });
});
