// The policy set's version history: the first run of a set the history doesn't have records one version — who and
// when from the bundle, each rule's difference — once, however many runs (or isolates) see it; a mode override is a
// version too.
import { beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../../src/env";
import { enforceDealEvents } from "../../../src/enforcement";
import { planPolicyVersion } from "../../../src/enforcement/plan-policy-version";
import { runningSetKey } from "../../../src/enforcement/read-policy-version";
import { POLICY_BUNDLE, POLICY_FILES } from "../../../src/generated/policies";
import { normaliseEvent, RawEventSchema } from "../../../src/hubspot/events";
import { getLatestPolicyVersion, insertPolicyVersionStatements, listPolicyVersions } from "../../../src/store/policy-versions";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

const V1 = enforcePolicy("audit").replace("id: test-audit", "id: versioned");
// no-skip moves to warn; the presentation rule's text changes.
const V2 = V1.replace("  - id: presentation-needs-amount\n", "  - id: presentation-needs-amount\n    mode: audit\n")
  .replace("    transition: { maxSkip: 0 }\n", "    transition: { maxSkip: 0 }\n    mode: warn\n")
  .replace("require: [amount, closedate]", "require: [amount, closedate, hs_next_step]");

let v1: Harness;
let v2: Harness;
let overridden: Harness;
beforeAll(async () => {
  [v1, v2, overridden] = await Promise.all([
    createHarness({ policies: V1 }),
    createHarness({ policies: V2 }),
    createHarness({ policies: V2, env: { POLICY_MODE_OVERRIDE: "enforce" } }),
  ]);
}, 60_000);

async function skipOnce(h: Harness): Promise<void> {
  const { deal, owner } = await dealIn(h, "appointmentscheduled");
  await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
  await h.drain();
}

type VersionRow = { id: string; previous_id: string | null; mode_override: string | null; bundled_at: number | null };
type ChangeRow = { version_id: string; rule_id: string; kind: string; mode_before: string | null; mode_after: string | null };

describe("policy set versions", () => {
  it("records each new set once, with the rules that changed and how", async () => {
    await skipOnce(v1);
    await skipOnce(v1);
    await skipOnce(v2);
    await skipOnce(v2);
    const versions = await rows<VersionRow>("SELECT id, previous_id, mode_override, bundled_at FROM policy_set_versions ORDER BY first_run_at, id");
    expect(versions).toHaveLength(2);
    const [first, second] = versions;
    expect([first?.previous_id, second?.previous_id, second?.bundled_at]).toEqual([null, first?.id, null]);
    const changes = await rows<ChangeRow>("SELECT version_id, rule_id, kind, mode_before, mode_after FROM policy_rule_changes WHERE version_id = ? ORDER BY rule_id", second?.id);
    expect(changes.map((c) => [c.rule_id, c.kind, c.mode_before, c.mode_after])).toEqual([
      ["no-skip", "mode", "audit", "warn"],
      ["presentation-needs-amount", "text", "audit", "audit"],
    ]);
    const history = await listPolicyVersions(v1.env.DB, { policyId: "versioned", limit: 10 });
    expect(history.map((h) => h.changes.length)).toEqual([2, 2]);
    expect(history[0]?.changes[1]?.textAfter).toContain("hs_next_step");
  }, 60_000);

  it("records POLICY_MODE_OVERRIDE as a version in which every rule's mode changed", async () => {
    await skipOnce(overridden);
    const latest = await rows<VersionRow>("SELECT id, previous_id, mode_override, bundled_at FROM policy_set_versions ORDER BY first_run_at DESC, id DESC LIMIT 1");
    expect(latest[0]?.mode_override).toBe("enforce");
    const changes = await rows<ChangeRow>("SELECT version_id, rule_id, kind, mode_before, mode_after FROM policy_rule_changes WHERE version_id = ? ORDER BY rule_id", latest[0]?.id);
    expect(changes.map((c) => [c.rule_id, c.kind, c.mode_after])).toEqual([["no-skip", "mode", "enforce"], ["presentation-needs-amount", "mode", "enforce"]]);
  }, 60_000);

  it("writes one row when many isolates record the same new set at once, naming the bundle's commit", async () => {
    const latest = await getLatestPolicyVersion(v1.env.DB);
    const snapshot = { running: { key: runningSetKey("shipped", null), setVersion: "shipped", files: POLICY_FILES, override: null, bundle: POLICY_BUNDLE }, latest };
    const writes = [1, 2, 3].map((i) => planPolicyVersion(snapshot, Date.now() + i)?.write ?? null);
    expect(new Set(writes.map((w) => w?.id)).size).toBe(1);
    await Promise.all(writes.map((w) => (w === null ? null : v1.env.DB.batch(insertPolicyVersionStatements(v1.env.DB, w)))));
    const recorded = await rows<{ n: number; commit_sha: string | null; bundled_at: number | null }>(
      "SELECT COUNT(*) AS n, MAX(commit_sha) AS commit_sha, MAX(bundled_at) AS bundled_at FROM policy_set_versions WHERE set_key = ?",
      runningSetKey("shipped", null),
    );
    expect(recorded[0]).toEqual({ n: 1, commit_sha: POLICY_BUNDLE.commit, bundled_at: POLICY_BUNDLE.bundledAt });
    // An isolate of an older bundle, still draining after this one was recorded, writes nothing.
    const older = planPolicyVersion({ running: { ...snapshot.running, key: "old", bundle: { ...POLICY_BUNDLE, bundledAt: POLICY_BUNDLE.bundledAt - 1 } }, latest: await getLatestPolicyVersion(v1.env.DB) }, Date.now());
    expect(older?.write).toBeNull();
  }, 30_000);

  it("the engine running the bundled set records who bundled it", async () => {
    const { deal, owner } = await dealIn(v1, "appointmentscheduled");
    await v1.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
    await v1.portal.flushWebhooks();
    const deliveries = await v1.portal.takeDeliveries({ includeScheduled: true });
    for (const d of deliveries) await v1.portal.reportDelivery(d.deliveryId, 200);
    const events = deliveries.flatMap((d) => JSON.parse(d.body) as unknown[]).map((e) => normaliseEvent(RawEventSchema.parse(e)));
    const config = readConfig(v1.env);
    if (!config.ok) throw new Error(config.problems.join());
    // No policyFiles: the bundled set (the simulator's default pipeline matches the shipped portal snapshot).
    const outcome = await enforceDealEvents(events, { env: v1.env, config: config.config, now: Date.now });
    expect(outcome.ok).toBe(true);
    const latest = await getLatestPolicyVersion(v1.env.DB);
    const row = await rows<{ bundled_at: number | null; commit_sha: string | null; dirty: number }>("SELECT bundled_at, commit_sha, dirty FROM policy_set_versions WHERE id = ?", latest?.id);
    expect(row[0]).toEqual({ bundled_at: POLICY_BUNDLE.bundledAt, commit_sha: POLICY_BUNDLE.commit, dirty: POLICY_BUNDLE.dirty ? 1 : 0 });
    expect(latest?.rules.length).toBeGreaterThanOrEqual(19);
  }, 30_000);
});
