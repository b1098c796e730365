// Test fixtures for the managers' API: tokens, violations, transitions written straight into D1.
import { env, exports } from "cloudflare:workers";
import { generateId, generateSecret, hashSecret } from "../../../src/http/auth/secrets";
import { insertToken, type Role } from "../../../src/store/tokens";

export const DAY = 24 * 60 * 60 * 1000;

export async function createToken(opts: { role: Role; teams?: string[] | null; expiresAt?: number | null; revoked?: boolean; name?: string }): Promise<string> {
  const token = generateSecret("dg_");
  const id = generateId("tok_");
  await insertToken(env.DB, {
    id,
    name: opts.name ?? id,
    role: opts.role,
    teams: opts.teams ?? null,
    tokenHash: await hashSecret(token),
    createdAt: Date.now(),
    expiresAt: opts.expiresAt ?? null,
  });
  if (opts.revoked) await env.DB.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?").bind(Date.now(), id).run();
  return token;
}

export interface ViolationSeed {
  id: string;
  dealId?: string;
  dealName?: string;
  ownerId?: string | null;
  teamId?: string | null;
  policyId?: string;
  ruleId?: string;
  severity?: "info" | "warning" | "critical";
  mode?: "audit" | "warn" | "enforce";
  pipelineId?: string;
  fromStage?: string;
  toStage?: string;
  status?: "open" | "resolved";
  occurredAt: number;
  timeToFixMs?: number | null;
  actions?: unknown[];
  trace?: unknown[];
  sourceEvents?: string[];
  message?: string;
  /** Who closed it: "userId:77", "engine:revert", "merged:123" (default userId:77 when resolved). */
  resolvedBy?: string;
  actorUserId?: string;
}

export async function insertViolations(rows: ViolationSeed[]): Promise<void> {
  const stmt = env.DB.prepare(
    `INSERT INTO violations (id, portal_id, deal_id, deal_name, pipeline_id, from_stage, to_stage, from_stage_label, to_stage_label,
       policy_id, policy_version, rule_id, severity, mode, message, missing, trace, actions, owner_id, team_id, actor_user_id,
       change_source, source_events, status, occurred_at, detected_at, resolved_at, time_to_fix_ms, resolved_by)
     VALUES (?, 555, ?, ?, ?, ?, ?, ?, ?, ?, 'v1', ?, ?, ?, ?, '["amount"]', ?, ?, ?, ?, ?, 'CRM_UI', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const batch = rows.map((r) => {
    const status = r.status ?? "open";
    const fix = status === "resolved" ? (r.timeToFixMs ?? DAY) : null;
    return stmt.bind(
      r.id, r.dealId ?? `deal-${r.id}`, r.dealName ?? `Deal ${r.id}`, r.pipelineId ?? "default", r.fromStage ?? "appointmentscheduled",
      r.toStage ?? "contractsent", "Appointment scheduled", "Contract sent", r.policyId ?? "entry-criteria", r.ruleId ?? "amount-required",
      r.severity ?? "warning", r.mode ?? "enforce", r.message ?? "Amount is required before Contract sent", JSON.stringify(r.trace ?? []),
      JSON.stringify(r.actions ?? []), r.ownerId === undefined ? "o1" : r.ownerId, r.teamId === undefined ? "t1" : r.teamId, r.actorUserId ?? "77",
      JSON.stringify(r.sourceEvents ?? []), status, r.occurredAt, r.occurredAt + 1000, fix === null ? null : r.occurredAt + fix, fix,
      status === "resolved" ? (r.resolvedBy ?? "userId:77") : null,
    );
  });
  for (let i = 0; i < batch.length; i += 50) await env.DB.batch(batch.slice(i, i + 50));
}

export interface TransitionSeed {
  id: string;
  dealId: string;
  ownerId: string;
  teamId: string;
  fromStage: string | null;
  toStage: string;
  fromIndex?: number | null;
  toIndex: number;
  occurredAt: number;
  compliant?: boolean;
  closed?: boolean;
  timeInFromMs?: number | null;
  won?: boolean;
}

export async function insertTransitions(rows: TransitionSeed[]): Promise<void> {
  const stmt = env.DB.prepare(
    `INSERT INTO stage_transitions (id, portal_id, deal_id, pipeline_id, from_stage, to_stage, from_index, to_index, to_is_closed, to_is_won, owner_id, team_id, occurred_at, time_in_from_ms, compliant)
     VALUES (?, 555, ?, 'default', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  await env.DB.batch(
    rows.map((r) =>
      stmt.bind(r.id, r.dealId, r.fromStage, r.toStage, r.fromIndex ?? null, r.toIndex, r.closed || r.won ? 1 : 0, r.won ? 1 : 0, r.ownerId, r.teamId, r.occurredAt, r.timeInFromMs ?? null, r.compliant === false ? 0 : 1),
    ),
  );
}

/** Calls the Worker like a client would. */
export function call(path: string, init: { token?: string; cookie?: string; method?: string; body?: BodyInit; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.cookie) headers.cookie = init.cookie;
  return exports.default.fetch(new Request(`https://dg.test${path}`, { method: init.method ?? "GET", headers, body: init.body, redirect: "manual" }));
}

export interface ErrorJson {
  error: { code: string; message: string; details?: Array<{ field: string; message: string }> };
}

/** Signs in through the dashboard form and returns the session cookie pair ("dg_session=..."). */
export async function signIn(token: string): Promise<string> {
  const res = await call("/dashboard/login", { method: "POST", body: new URLSearchParams({ token }), headers: { "content-type": "application/x-www-form-urlencoded" } });
  const setCookie = res.headers.get("set-cookie") ?? "";
  const match = /dg_session=([^;]+)/.exec(setCookie);
  if (res.status !== 303 || !match) throw new Error(`sign-in failed: ${res.status} ${setCookie}`);
  return `dg_session=${match[1]}`;
}
