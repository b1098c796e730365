// Deterministic demo data for the managers' view (a small sales org over 12 weeks): owners, teams, pipeline
// labels, stage transitions, violations with traces and actions, close-date pushes, inbox events. Pure: returns SQL.
import { createRng } from "../../sim/portal/rng";

const DAY = 86_400_000;
const PORTAL = 555;

export const DEMO_TEAMS = [
  { id: "team-east", name: "East" },
  { id: "team-west", name: "West" },
];
export const DEMO_OWNERS = [
  { id: "101", name: "Ava Thompson", team: "team-east" },
  { id: "102", name: "Ben Okafor", team: "team-east" },
  { id: "103", name: "Chloé Martin", team: "team-east" },
  { id: "104", name: "Dev Patel", team: "team-east" },
  { id: "201", name: "Elena Rossi", team: "team-west" },
  { id: "202", name: "Felix Wagner", team: "team-west" },
  { id: "203", name: "Grace Kim", team: "team-west" },
  { id: "204", name: "Hugo Silva", team: "team-west" },
];
const STAGES = [
  { id: "appointmentscheduled", label: "Appointment scheduled" },
  { id: "qualifiedtobuy", label: "Qualified to buy" },
  { id: "presentationscheduled", label: "Presentation scheduled" },
  { id: "decisionmakerboughtin", label: "Decision maker bought-in" },
  { id: "contractsent", label: "Contract sent" },
  { id: "closedwon", label: "Closed won" },
  { id: "closedlost", label: "Closed lost" },
];
// Rules of the shipped policies (so the dashboard shows their descriptions), worded as the engine words them.
const RULES = [
  { policy: "entry-criteria", rule: "presentation-needs-amount-and-close-date", stage: 4, mode: "enforce", severity: "critical", message: "Fill Amount before Contract Sent", missing: ["amount"], check: "amount non-empty" },
  { policy: "entry-criteria", rule: "decision-maker-identified", stage: 3, mode: "enforce", severity: "warning", message: "Name the decision maker on the deal", missing: ["decision_maker"], check: "decision_maker non-empty" },
  { policy: "stage-discipline", rule: "no-stage-skipping", stage: 2, mode: "enforce", severity: "warning", message: "The deal jumped to Presentation scheduled — it skipped Qualified to buy; deals move one stage at a time", missing: [], check: "transition.skip" },
  { policy: "entry-criteria", rule: "qualified-needs-contact", stage: 1, mode: "audit", severity: "info", message: "Associate a contact with the deal before Qualified To Buy", missing: ["association:contacts"], check: "contacts >= 1" },
] as const;

const q = (v: string | number | null | boolean): string =>
  v === null ? "NULL" : typeof v === "number" ? String(v) : typeof v === "boolean" ? (v ? "1" : "0") : `'${v.replace(/'/g, "''")}'`;

export interface DemoSeed {
  sql: string;
  violations: number;
  transitions: number;
  /** An open violation id for tests to open. */
  sampleViolationId: string;
}

/** Builds the demo data ending at `now`. */
export function buildDemoSeed(now: number, seed = 42): DemoSeed {
  // Seeded, so demo data (and the browser test's screenshots) are the same on every run.
  const { next: rand, pick } = createRng(seed);
  const lines: string[] = [];
  for (const t of DEMO_TEAMS) lines.push(`INSERT OR REPLACE INTO teams (id, name, fetched_at) VALUES (${q(t.id)}, ${q(t.name)}, ${now});`);
  for (const o of DEMO_OWNERS) {
    lines.push(`INSERT OR REPLACE INTO owners (id, user_id, name, email, team_ids, primary_team_id, fetched_at) VALUES (${q(o.id)}, ${q(`u${o.id}`)}, ${q(o.name)}, ${q(`${o.name.split(" ")[0]?.toLowerCase()}@example.com`)}, ${q(JSON.stringify([o.team]))}, ${q(o.team)}, ${now});`);
  }
  const pipelines = [{ id: "default", label: "Sales pipeline", displayOrder: 0, stages: STAGES.map((s, i) => ({ ...s, displayOrder: i, isClosed: i >= 5, probability: null })) }];
  lines.push(`INSERT OR REPLACE INTO portal_metadata (key, value, fetched_at) VALUES ('pipelines', ${q(JSON.stringify(pipelines))}, ${now});`);
  let violations = 0;
  let transitions = 0;
  let sampleViolationId = "";
  const start = now - 84 * DAY;
  for (let d = 0; d < 260; d++) {
    const owner = pick(DEMO_OWNERS);
    const dealId = String(9_000_000 + d);
    const dealName = `${pick(["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent", "Tyrell"])} ${pick(["renewal", "expansion", "pilot", "platform deal", "annual plan"])} #${d + 1}`;
    // Reps differ: the first owners of each team are more disciplined than the last ones.
    const sloppiness = 0.1 + (Number(owner.id) % 100) * 0.07;
    let t = start + rand() * 70 * DAY;
    let stage = 0;
    let lastAt = t;
    const dealLines: string[] = [];
    // The engine's last-known state of the deal: where the dashboard finds a deal's name for close-date pushes.
    dealLines.push(`INSERT OR REPLACE INTO deal_state (deal_id, pipeline_id, owner_id, deal_name, observed_at, updated_at) VALUES (${q(dealId)}, 'default', ${q(owner.id)}, ${q(dealName)}, ${Math.round(t)}, ${Math.round(t)});`);
    dealLines.push(`INSERT INTO stage_transitions (id, portal_id, deal_id, pipeline_id, from_stage, to_stage, from_index, to_index, to_is_closed, to_is_won, owner_id, team_id, actor_user_id, change_source, occurred_at, time_in_from_ms, compliant, violation_count) VALUES (${q(`tr-${dealId}-0`)}, ${PORTAL}, ${q(dealId)}, 'default', NULL, 'appointmentscheduled', NULL, 0, 0, 0, ${q(owner.id)}, ${q(owner.team)}, ${q(`u${owner.id}`)}, 'CRM_UI', ${Math.round(t)}, NULL, 1, 0);`);
    transitions++;
    while (stage < 5 && t < now - DAY) {
      const lost = rand() < 0.18;
      const skip = !lost && stage <= 1 && rand() < sloppiness * 0.4;
      const next = lost ? 6 : Math.min(5, stage + (skip ? 2 : 1));
      t += (1 + rand() * 9) * DAY;
      if (t > now - 60_000) break;
      const rule = skip ? RULES[2] : RULES.find((r) => r.stage === next && r.rule !== "no-stage-skipping");
      const violates = rule !== undefined && rand() < sloppiness;
      const occurred = Math.round(t);
      dealLines.push(`INSERT INTO stage_transitions (id, portal_id, deal_id, pipeline_id, from_stage, to_stage, from_index, to_index, to_is_closed, to_is_won, owner_id, team_id, actor_user_id, change_source, occurred_at, time_in_from_ms, compliant, violation_count) VALUES (${q(`tr-${dealId}-${next}`)}, ${PORTAL}, ${q(dealId)}, 'default', ${q(STAGES[stage]?.id ?? null)}, ${q(STAGES[next]?.id ?? "")}, ${stage}, ${next}, ${next >= 5}, ${next === 5}, ${q(owner.id)}, ${q(owner.team)}, ${q(`u${owner.id}`)}, 'CRM_UI', ${occurred}, ${Math.round(t - lastAt)}, ${!violates}, ${violates ? 1 : 0});`);
      transitions++;
      if (violates && rule) {
        const id = `vio-${dealId}-${rule.rule}`;
        const resolved = occurred < now - 3 * DAY && rand() < 0.65;
        const fix = Math.round((0.2 + rand() * 4) * DAY);
        const hash = `${dealId}${next}`.padEnd(64, "0").slice(0, 64);
        const trace = [
          { check: "applies", passed: true, values: { stage: STAGES[next]?.label }, detail: `The rule applies to deals entering ${STAGES[next]?.label}` },
          { check: "condition", expression: rule.check, passed: false, values: Object.fromEntries(rule.missing.map((m) => [m, null])), detail: rule.message },
        ];
        const actions =
          rule.mode === "audit"
            ? [{ type: "task", planned: {}, outcome: "would-run" }, { type: "notify-manager", planned: {}, outcome: "would-run" }]
            : rule.rule === "no-stage-skipping"
              ? [{ type: "revert", planned: {}, outcome: "done" }, { type: "task", planned: {}, outcome: "done", taskId: String(70_000 + d) }]
              : [{ type: "task", planned: {}, outcome: "done", taskId: String(80_000 + d) }];
        dealLines.push(`INSERT INTO inbox_events (hash, event_id, portal_id, subscription_type, object_id, property_name, occurred_at, received_at, attempt_number, status, payload) VALUES (${q(hash)}, ${q(String(500_000 + d * 10 + next))}, ${PORTAL}, 'deal.propertyChange', ${q(dealId)}, 'dealstage', ${occurred}, ${occurred + 800}, 0, 'processed', ${q(JSON.stringify({ objectId: Number(dealId), propertyName: "dealstage", propertyValue: STAGES[next]?.id, changeSource: "CRM_UI", sourceId: `userId:u${owner.id}` }))});`);
        dealLines.push(`INSERT INTO violations (id, portal_id, deal_id, deal_name, pipeline_id, from_stage, to_stage, from_stage_label, to_stage_label, policy_id, policy_version, rule_id, severity, mode, message, missing, trace, actions, owner_id, team_id, actor_user_id, actor_owner_id, change_source, source_events, task_id, reverted, status, occurred_at, detected_at, resolved_at, resolved_by, time_to_fix_ms) VALUES (${q(id)}, ${PORTAL}, ${q(dealId)}, ${q(dealName)}, 'default', ${q(STAGES[stage]?.id ?? null)}, ${q(STAGES[next]?.id ?? null)}, ${q(STAGES[stage]?.label ?? null)}, ${q(STAGES[next]?.label ?? null)}, ${q(rule.policy)}, 'a1b2c3d4', ${q(rule.rule)}, ${q(rule.severity)}, ${q(rule.mode)}, ${q(rule.message)}, ${q(JSON.stringify(rule.missing))}, ${q(JSON.stringify(trace))}, ${q(JSON.stringify(actions))}, ${q(owner.id)}, ${q(owner.team)}, ${q(`u${owner.id}`)}, ${q(owner.id)}, 'CRM_UI', ${q(JSON.stringify([hash]))}, ${q(rule.mode === "audit" ? null : String(80_000 + d))}, ${rule.rule === "no-stage-skipping" ? 1 : 0}, ${q(resolved ? "resolved" : "open")}, ${occurred}, ${occurred + 1500}, ${resolved ? occurred + fix : "NULL"}, ${resolved ? q(rule.rule === "no-stage-skipping" ? "engine:revert" : `userId:u${owner.id}`) : "NULL"}, ${resolved ? fix : "NULL"});`);
        violations++;
        if (!resolved && !sampleViolationId && rule.mode === "enforce") sampleViolationId = id;
      }
      if (next >= 2 && next < 5 && rand() < sloppiness * 0.3) {
        const days = 7 + Math.floor(rand() * 30);
        dealLines.push(`INSERT INTO close_date_changes (id, portal_id, deal_id, owner_id, team_id, old_value, new_value, pushed_days, occurred_at) VALUES (${q(`cd-${dealId}-${next}`)}, ${PORTAL}, ${q(dealId)}, ${q(owner.id)}, ${q(owner.team)}, ${occurred}, ${occurred + days * DAY}, ${days}, ${occurred + 3_600_000});`);
      }
      lastAt = t;
      stage = next;
      if (next >= 5) break;
    }
    lines.push(...dealLines);
  }
  return { sql: lines.join("\n") + "\n", violations, transitions, sampleViolationId };
}
