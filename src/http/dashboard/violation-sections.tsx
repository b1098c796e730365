// The violation page's sections: the rule's checks (trace), what was done (actions and outcomes), source events.
import { z } from "zod";
import type { ViolationDetail } from "../../store/violations-query";
import { Card } from "./components/card";
import { DataTable } from "./components/data-table";
import { formatTime } from "./format";
import { EmptyState } from "./layout";

const TraceStepSchema = z.object({ check: z.string().default(""), expression: z.string().optional(), passed: z.boolean().default(false), values: z.record(z.string(), z.unknown()).default({}), detail: z.string().default("") });
const ActionSchema = z.object({ type: z.string().default("unknown"), outcome: z.string().optional(), taskId: z.string().optional(), error: z.string().optional(), reason: z.string().optional() });

const ACTION_TEXT: Record<string, string> = {
  task: "Create a task for the rep",
  revert: "Move the deal back to the stage it came from",
  log: "Record the violation",
  "notify-manager": "Create a task for the rep's manager",
};
const OUTCOME_TEXT: Record<string, string> = {
  done: "done",
  pending: "in progress",
  skipped: "skipped",
  failed: "failed",
  "would-run": "would have run in enforce mode (not done: nothing was written to HubSpot)",
};

function showValue(v: unknown): string {
  if (v === null || v === undefined || v === "") return "empty";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** One entry of the "values" step: whether the value was judged as of the change or not, and why. */
function showOrigin(name: string, v: unknown): string {
  const o = (typeof v === "object" && v !== null ? v : {}) as { origin?: unknown; reason?: unknown };
  const when = o.origin === "as-of" ? "as of the change" : "not as of the change";
  return `${name}: ${when}${typeof o.reason === "string" && o.reason !== "" ? ` (${o.reason})` : ""}`;
}

export function TraceSteps(props: { steps: ViolationDetail["trace"] }) {
  const steps = props.steps.map((t) => TraceStepSchema.safeParse(t)).flatMap((r) => (r.success ? [r.data] : []));
  return (
    <Card title="Why: the rule's checks">
      {steps.length === 0 ? (
        <EmptyState title="No trace was recorded" />
      ) : (
        <ol class="trace" id="trace">
          {steps.map((t) => (
            <li>
              <span class={`mark ${t.passed ? "pass" : "fail"}`}>{t.passed ? "✓" : "✗"}</span>
              <div>{t.detail || t.check}</div>
            </li>
          ))}
        </ol>
      )}
      {steps.length ? (
        // For admins checking a rule: the conditions as written and the values they saw (closed by default).
        <details class="tech" id="trace-details">
          <summary>Technical details for admins</summary>
          <ol class="trace">
            {steps.map((t) => (
              <li>
                <code>{t.check}</code>
                {t.expression ? <> <code>{t.expression}</code></> : null}
                {Object.keys(t.values).length ? <div class="muted">{Object.entries(t.values).map(([k, val]) => (t.check === "values" ? showOrigin(k, val) : `${k} = ${showValue(val)}`)).join(" · ")}</div> : null}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </Card>
  );
}

export function ActionOutcomes(props: { actions: ViolationDetail["actions"] }) {
  const actions = props.actions.map((a) => ActionSchema.safeParse(a)).flatMap((r) => (r.success ? [r.data] : []));
  return (
    <Card title="What was done">
      <DataTable
        id="actions"
        rows={actions}
        empty={{ title: "No actions were planned" }}
        columns={[
          { header: "Action", cell: (a) => ACTION_TEXT[a.type] ?? a.type },
          {
            header: "Outcome",
            cell: (a) => (
              <>
                {OUTCOME_TEXT[a.outcome ?? "pending"] ?? a.outcome}
                {a.taskId ? ` · task ${a.taskId}` : ""}
                {a.error ? <div class="muted">{a.error}</div> : null}
                {a.reason ? <div class="muted">{a.reason}</div> : null}
              </>
            ),
          },
        ]}
      />
    </Card>
  );
}

const EVENT_WORDS: Record<string, string> = {
  "deal.creation": "Deal created",
  "deal.propertyChange": "Property changed",
  "deal.deletion": "Deal deleted",
  "deal.merge": "Deals merged",
  "deal.restore": "Deal restored",
  "deal.associationChange": "Association changed",
};

export function SourceEvents(props: { events: ViolationDetail["sourceEvents"]; labels: Map<string, string> }) {
  return (
    <Card title="Source events">
      <DataTable
        rows={props.events}
        empty={{ title: "The source events are no longer in the inbox", hint: "They are kept for the configured retention period." }}
        columns={[
          { header: "Occurred", cell: (e) => formatTime(e.occurredAt) },
          { header: "What", cell: (e) => EVENT_WORDS[e.subscriptionType] ?? e.subscriptionType },
          { header: "Property", cell: (e) => (e.propertyName ? (props.labels.get(e.propertyName) ?? e.propertyName) : "—") },
          { header: "Event id", cell: (e) => <code>{e.eventId}</code> },
          { header: "Status", cell: (e) => e.status },
        ]}
      />
    </Card>
  );
}
