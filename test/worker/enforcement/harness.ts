// Test harness for enforcement: an isolated simulator portal per test file, its webhook deliveries pulled from the
// outbox and fed through the real queue consumer (inbox, dedupe) into enforcement with test policies.
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SimClient, type CreatePortalOptions, type SeedSummary, type SimPortal } from "../../../sim/client";
import type { Env, QueueMessageBody } from "../../../src/env";
import { consumeEvents } from "../../../src/jobs/queue/consume-events";
import { enforceDealEvents, type EnforceOutcome } from "../../../src/enforcement";
import type { PolicyFile, PortalProperty } from "../../../src/policy";

/** Deal property types the tests compile their policies against when the portal's properties can't be read. */
export const SIM_PROPERTIES: PortalProperty[] = [
  { name: "dealname", type: "string" },
  { name: "amount", type: "number" },
  { name: "closedate", type: "datetime" },
  { name: "dealstage", type: "enumeration" },
  { name: "pipeline", type: "enumeration" },
  { name: "hubspot_owner_id", type: "enumeration" },
  { name: "dealtype", type: "enumeration" },
  { name: "description", type: "string" },
  { name: "hs_next_step", type: "string" },
  { name: "hs_priority", type: "enumeration" },
  { name: "closed_lost_reason", type: "string" },
  { name: "decision_maker", type: "string" },
  { name: "manager_approved", type: "bool" },
];

export interface Harness {
  portal: SimPortal;
  seed: SeedSummary;
  env: Env;
  /** Process every waiting delivery (and the echoes they cause) until the outbox and the retry queue are empty. */
  drain(options?: { maxRounds?: number; reorder?: boolean }): Promise<DrainReport>;
  /** Feeds raw events (as HubSpot delivers them) straight through the consumer, until they are done (deferred or
   *  retried messages run again first). */
  deliver(events: unknown[]): Promise<void>;
  outcomes: EnforceOutcome[];
}

export interface DrainReport {
  messages: number;
  retries: number;
  retryDelays: number[];
  /** Messages re-sent with a delay to wait for the rate budget (no retry spent). */
  deferred: number;
}

interface Pending {
  id: string;
  body: QueueMessageBody;
  attempts: number;
  /** The delay the consumer asked for when it last retried this message. */
  delay?: number;
  /** A re-sent copy (rate-limit wait), not a retry. */
  deferred?: boolean;
}

let seq = 0;

export async function createHarness(options: {
  /** One policy file's text, or the files of a set (the shipped set). */
  policies: string | PolicyFile[];
  portal?: CreatePortalOptions;
  env?: Partial<Env> & { POLICY_MODE_OVERRIDE?: string };
  withManagers?: boolean;
}): Promise<Harness> {
  const sim = new SimClient(env.SIM_URL);
  const portal = await sim.createPortal({ ...options.portal, webhook: { mode: "outbox", flushMs: 0, ...options.portal?.webhook } });
  const seed = await portal.seed({ pipelines: "default", teams: 2, ownersPerTeam: 2, deals: 0 });
  const managerMap = options.withManagers ? (await portal.teams()).managerMap : undefined;
  const portalEnv: Env = {
    ...env,
    DB: env.DB,
    EVENTS: env.EVENTS,
    ...portal.engineEnv(),
    METADATA_TTL_SECONDS: "300",
    ...(managerMap ? { MANAGER_MAP: JSON.stringify(managerMap) } : {}),
    ...options.env,
  };
  const outcomes: EnforceOutcome[] = [];
  // The consumer's re-sent messages (rate-limit waits) come back here instead of the real queue.
  let deferredSink: Pending[] = [];
  const policyFiles = typeof options.policies === "string" ? [{ path: "policies/test.yaml", text: options.policies }] : options.policies;
  const deps = {
    now: Date.now,
    enforce: async (events: Parameters<typeof enforceDealEvents>[0], d: Parameters<typeof enforceDealEvents>[1]) => {
      const outcome = await enforceDealEvents(events, { ...d, policyFiles, portalProperties: SIM_PROPERTIES });
      outcomes.push(outcome);
      return outcome;
    },
    sendDelayed: async (body: QueueMessageBody, delaySeconds: number) => {
      deferredSink.push({ id: `deferred-${++seq}`, body, attempts: 1, delay: delaySeconds, deferred: true });
    },
  };

  async function runMessages(pending: Pending[]): Promise<Pending[]> {
    const retried = new Map<string, number | undefined>();
    const batch = createMessageBatch<QueueMessageBody>(
      "deal-events",
      pending.map((p) => ({ id: p.id, timestamp: new Date(), attempts: p.attempts, body: p.body })),
    );
    const wrapped: MessageBatch<QueueMessageBody> = {
      queue: batch.queue,
      metadata: batch.metadata,
      ackAll: () => batch.ackAll(),
      retryAll: (o) => batch.retryAll(o),
      messages: batch.messages.map((m) => ({
        id: m.id,
        timestamp: m.timestamp,
        body: m.body,
        attempts: m.attempts,
        ack: () => m.ack(),
        retry: (o?: QueueRetryOptions) => {
          retried.set(m.id, o?.delaySeconds);
          m.retry(o);
        },
      })),
    };
    deferredSink = [];
    await consumeEvents(wrapped, portalEnv, deps);
    const again = pending.filter((p) => retried.has(p.id)).map((p) => ({ ...p, attempts: p.attempts + 1, delay: retried.get(p.id), deferred: false }));
    return [...again, ...deferredSink];
  }

  return {
    portal,
    seed,
    env: portalEnv,
    outcomes,
    async deliver(events) {
      // Until done: a message deferred for the rate budget (or retried) comes back before the next delivery, as the
      // queue would bring it back after its delay — dropping it lost events whenever a test ran fast enough to spend
      // the window (the oracle test, on an idle machine).
      let pending = await runMessages([{ id: `direct-${++seq}`, body: { kind: "events", receivedAt: Date.now(), events }, attempts: 1 }]);
      for (let round = 0; pending.length > 0; round++) {
        if (round >= 60) throw new Error(`a direct delivery was not done after 60 rounds (${pending.length} messages pending)`);
        await waitShareOf(pending);
        pending = await runMessages(pending);
      }
    },
    async drain(opts = {}) {
      const report: DrainReport = { messages: 0, retries: 0, retryDelays: [], deferred: 0 };
      let pending: Pending[] = [];
      for (let round = 0; round < (opts.maxRounds ?? 60); round++) {
        await portal.flushWebhooks();
        const taken = await portal.takeDeliveries({ includeScheduled: true });
        for (const d of taken) {
          await portal.reportDelivery(d.deliveryId, 200);
          const events = JSON.parse(d.body) as unknown[];
          pending.push({ id: `${d.deliveryId}-${++seq}`, body: { kind: "events", receivedAt: Date.now(), events: opts.reorder ? events.reverse() : events }, attempts: 1 });
        }
        if (pending.length === 0) {
          // Engine writes produce echo deliveries a moment later: look once more before calling it drained.
          await new Promise((r) => setTimeout(r, 30));
          await portal.flushWebhooks();
          const late = await portal.takeDeliveries({ includeScheduled: true });
          if (late.length === 0) return report;
          for (const d of late) {
            await portal.reportDelivery(d.deliveryId, 200);
            pending.push({ id: `${d.deliveryId}-${++seq}`, body: { kind: "events", receivedAt: Date.now(), events: JSON.parse(d.body) as unknown[] }, attempts: 1 });
          }
        }
        report.messages += pending.length;
        const retried = await runMessages(pending);
        const retries = retried.filter((r) => r.deferred !== true);
        report.retries += retries.length;
        report.deferred += retried.length - retries.length;
        report.retryDelays.push(...retries.map((r) => r.delay ?? 0));
        pending = retried;
        if (retried.length > 0) await waitShareOf(retried);
      }
      throw new Error(`not drained after ${opts.maxRounds ?? 60} rounds (${pending.length} messages pending)`);
    },
  };
}

/** The queue would wait the longest `delaySeconds`; a test waits a capped share of it (HubSpot's window in tests is short). */
function waitShareOf(pending: Array<{ delay?: number }>): Promise<void> {
  const longest = Math.max(0, ...pending.map((p) => p.delay ?? 0));
  return new Promise((r) => setTimeout(r, Math.min(longest, 1.2) * 1000));
}

export async function rows<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...binds).all<T>()).results;
}

/** One enforce-mode rule that only reverts stage skips: the revert tests' policy. */
export const REVERT_ONLY_POLICY = `apiVersion: governance/v1
kind: DealPolicy
id: revert-only
mode: enforce
scope: { pipelines: [default] }
rules:
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "{{new.dealname}} jumped from {{change.from.label}} to {{change.to.label}}"
    actions: [revert]
`;

/** Stage-skipping and entry-criteria rules in enforce mode, as a test policy file. */
export function enforcePolicy(mode: "enforce" | "warn" | "audit" = "enforce"): string {
  return `apiVersion: governance/v1
kind: DealPolicy
id: test-${mode}
mode: ${mode}
severity: warning
scope: { pipelines: [default] }
rules:
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "{{new.dealname}} jumped from {{change.from.label}} to {{change.to.label}}"
    actions:
      - task:
          subject: "Stage skipped on {{new.dealname}}"
          body: "{{new.dealname}} went from {{change.from.label}} to {{change.to.label}}."
          assignee: owner
          dueInBusinessDays: 1
          priority: MEDIUM
      - revert
  - id: presentation-needs-amount
    on: { stageEntered: Presentation Scheduled }
    require: [amount, closedate]
    message: "Fill {{missing}} before {{change.to.label}}"
    actions:
      - task:
          subject: "Fill {{missing}} on {{new.dealname}}"
          body: "{{new.dealname}} needs {{missing}}."
          dueInBusinessDays: 1
`;
}
