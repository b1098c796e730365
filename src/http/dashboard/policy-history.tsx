// The policy set's version history: each version the engine ran (who — the commit's author, or who bundled
// uncommitted edits — when, which set version), and each rule that changed with it: added, removed, its mode
// (before → after) and its text as a line diff.
import { diffLines } from "../../policy/index";
import type { PolicyVersionItem } from "../../store/policy-versions";
import { Card } from "./components/card";
import { DataTable } from "./components/data-table";
import { formatTime, toQueryString } from "./format";
import { Badge, EmptyState } from "./layout";

type Change = PolicyVersionItem["changes"][number];

const KIND_TEXT: Record<Change["kind"], string> = { added: "added", removed: "removed", mode: "mode changed", text: "text changed", "mode+text": "mode and text changed" };
const KIND_BADGE: Record<Change["kind"], string> = { added: "resolved", removed: "critical", mode: "warning", text: "info", "mode+text": "warning" };

/** Who and when, in words: the commit's author and subject, else who bundled it, else only when it first ran. */
export function describeVersionOrigin(v: PolicyVersionItem): string {
  const parts: string[] = [];
  if (v.commit !== null) parts.push(`commit ${v.commit.slice(0, 10)} by ${v.author ?? "unknown"}${v.committedAt ? ` (${formatTime(v.committedAt)})` : ""}${v.subject ? `: “${v.subject}”` : ""}`);
  if (v.dirty) parts.push(`with uncommitted edits, bundled by ${v.bundledBy ?? "unknown"}`);
  if (v.commit === null && !v.dirty && v.bundledAt !== null) parts.push(`deployed at ${formatTime(v.bundledAt)}${v.bundledBy ? ` by ${v.bundledBy}` : ""} (no git history in the bundle)`);
  if (v.bundledAt === null) parts.push("not from the bundle (policy files given to the engine directly)");
  if (v.modeOverride !== null) parts.push(`POLICY_MODE_OVERRIDE=${v.modeOverride}: every rule runs in ${v.modeOverride} mode`);
  return parts.join(" · ");
}

function ModeChange(props: { c: Change }) {
  const { modeBefore, modeAfter } = props.c;
  if (modeBefore === modeAfter || modeBefore === null || modeAfter === null) {
    const mode = modeAfter ?? modeBefore;
    return mode === null ? <>—</> : <Badge kind={mode}>{mode}</Badge>;
  }
  return <><Badge kind={modeBefore}>{modeBefore}</Badge> → <Badge kind={modeAfter}>{modeAfter}</Badge></>;
}

function TextDiff(props: { c: Change }) {
  const { textBefore, textAfter, kind } = props.c;
  const lines = diffLines(textBefore ?? "", textAfter ?? "");
  const changed = lines.filter((l) => l.op !== "same").length;
  if (kind === "mode") return <span class="muted">text unchanged</span>;
  return (
    <details class="rule-diff">
      <summary>{kind === "added" ? "the rule as added" : kind === "removed" ? "the rule as removed" : `${changed} line${changed === 1 ? "" : "s"} changed`}</summary>
      <pre>{lines.map((l) => <span class={`diff-${l.op}`}>{`${l.op === "added" ? "+ " : l.op === "removed" ? "- " : "  "}${l.line}\n`}</span>)}</pre>
    </details>
  );
}

const DAY = 86_400_000;
/** The weeks before a change a back-test replays by default. */
export const WEEKS_BEFORE_CHANGE = 4;

/** The back-test of a version against the one before it, over the weeks before it first ran. */
export function versionBacktestHref(v: PolicyVersionItem): string {
  const to = Math.floor(Date.parse(v.firstRunAt) / DAY) * DAY + DAY;
  const from = to - WEEKS_BEFORE_CHANGE * 7 * DAY;
  return `/dashboard/admin/backtest${toQueryString({ version: v.id, from: new Date(from).toISOString().slice(0, 10), to: new Date(to - DAY).toISOString().slice(0, 10) })}`;
}

/** A change's back-test in short: the difference the version made on the weeks before it (for the rules shown). */
export interface ChangeBacktest {
  newHits: number;
  goneHits: number;
  changedActions: number;
}

function VersionEntry(props: { v: PolicyVersionItem; rule: (policyId: string, ruleId: string) => string; admin: boolean; backtest: ChangeBacktest | undefined }) {
  const { v } = props;
  const first = v.previousId === null;
  return (
    <section class="version" id={`version-${v.id}`}>
      <h3>
        {formatTime(v.firstRunAt)} · set <code>{v.setVersion}</code>
        {first ? " · first version recorded" : ` · ${v.changes.length} rule${v.changes.length === 1 ? "" : "s"} changed`}
      </h3>
      <p class="muted">{describeVersionOrigin(v)}</p>
      {props.admin && !first ? (
        <p class="version-backtest">
          {props.backtest ? <>On the {WEEKS_BEFORE_CHANGE} weeks before it, against the version before: <strong>{props.backtest.newHits} new hit{props.backtest.newHits === 1 ? "" : "s"}</strong>, {props.backtest.goneHits} no longer raised, {props.backtest.changedActions} with other actions. </> : null}
          <a class="backtest-link" href={versionBacktestHref(v)}>{props.backtest ? "See the back-test" : `Back-test this change on the ${WEEKS_BEFORE_CHANGE} weeks before it`}</a>
        </p>
      ) : null}
      {first ? (
        <p class="muted">{v.changes.length} rule{v.changes.length === 1 ? " was" : "s were"} running when the engine first recorded the set; later versions are compared with it.</p>
      ) : (
        <DataTable
          rows={v.changes}
          empty={{ title: "No rule changed", hint: "Only comments or layout changed in the policy files." }}
          columns={[
            { header: "Rule", cell: (c) => <>{props.rule(c.policyId, c.ruleId)}<div class="muted"><code>{c.policyId}/{c.ruleId}</code></div></> },
            { header: "Change", nowrap: true, cell: (c) => <Badge kind={KIND_BADGE[c.kind]}>{KIND_TEXT[c.kind]}</Badge> },
            { header: "Mode", nowrap: true, cell: (c) => <ModeChange c={c} /> },
            { header: "Text", cell: (c) => <TextDiff c={c} /> },
          ]}
        />
      )}
    </section>
  );
}

/** The versions, newest first; `rule` names a rule by its description where it is still shipped. */
export function VersionHistory(props: {
  versions: PolicyVersionItem[];
  rule: (policyId: string, ruleId: string) => string;
  scope: string;
  admin: boolean;
  /** Version id → its back-test, for the versions it was run for. */
  backtests?: Map<string, ChangeBacktest>;
}) {
  return (
    <Card title="Version history" id="history">
      <p class="muted">Every version of {props.scope} the engine has run, newest first: who changed it and when, and each rule whose mode or text changed.</p>
      {props.versions.length === 0 ? (
        <EmptyState title="No version recorded yet">The engine records the policy set the first time it judges a deal change with it.</EmptyState>
      ) : (
        props.versions.map((v) => <VersionEntry v={v} rule={props.rule} admin={props.admin} backtest={props.backtests?.get(v.id)} />)
      )}
    </Card>
  );
}
