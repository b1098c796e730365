// The back-test page's form (a staged set by GET, an uploaded file by POST; window and source) and its headline.
import { associationKindWords } from "../../policy";
import type { BacktestFailure, DashboardBacktest } from "../api/backtest-run";
import { Card } from "./components/card";
import { formatCount, formatDate } from "./format";
import { EmptyState } from "./layout";

const day = (ms: number) => formatDate(new Date(ms).toISOString());

export function BacktestForm(props: {
  sets: Array<{ name: string; staged: string[]; version: string }>;
  q: { set?: string | undefined };
  window: { from: number; to: number };
  upload: { name: string; text: string } | null;
}) {
  const from = day(props.window.from);
  const to = day(props.window.to - 1);
  return (
    <div class="grid">
      <Card title="A staged set" id="staged-form">
        {props.sets.length === 0 ? (
          <EmptyState title="No staged set in this deploy">Put drafts in policies/staged/&lt;name&gt;/ and deploy (or restart npm start): they are checked and bundled next to the active set.</EmptyState>
        ) : (
          <form method="get" action="/dashboard/admin/backtest" class="filters">
            <label>Set <select name="set" id="set">
              {props.sets.map((s) => <option value={s.name} selected={props.q.set === s.name}>{s.name} ({s.staged.map((f) => f.split("/").pop()).join(", ")})</option>)}
            </select></label>
            <label>From <input type="date" name="from" value={from} /></label>
            <label>To <input type="date" name="to" value={to} /></label>
            <label>Source <select name="source"><option value="engine">the engine's recorded history</option></select></label>
            <button type="submit" id="run-staged">Back-test</button>
          </form>
        )}
      </Card>
      <Card title="Or upload a policy file" id="upload-form">
        <form method="post" action="/dashboard/admin/backtest" enctype="multipart/form-data" class="filters">
          <label>File <input type="file" name="file" accept=".yaml,.yml,.json" /></label>
          <label>or paste it, named <input type="text" name="name" value={props.upload?.name ?? "draft.yaml"} /></label>
          <textarea name="policy" id="policy" rows={8} cols={60} placeholder="apiVersion: governance/v1&#10;kind: DealPolicy&#10;…">{props.upload?.text ?? ""}</textarea>
          <label>From <input type="date" name="from" value={from} /></label>
          <label>To <input type="date" name="to" value={to} /></label>
          <button type="submit" id="run-upload">Check and back-test</button>
        </form>
        <p class="muted">A file named like an active one (stage-discipline.yaml) replaces it; another name adds a policy. It must pass check against the portal.</p>
      </Card>
    </div>
  );
}

export function FailureCard(props: { failure: BacktestFailure }) {
  const f = props.failure;
  return (
    <Card title="Not back-tested" id="backtest-error">
      <p class="alert">{f.message}</p>
      {f.kind === "policy" ? <ul id="policy-errors">{f.errors.map((e) => <li><code>{e}</code></li>)}</ul> : null}
    </Card>
  );
}

export function BacktestSummary(props: { b: DashboardBacktest; draftName: string; againstName: string }) {
  const { result } = props.b;
  const hits = result.draft.hits.length;
  const active = result.against?.hits.length ?? 0;
  const news = (result.diff ?? []).reduce((n, d) => n + d.newHits, 0);
  const gone = (result.diff ?? []).reduce((n, d) => n + d.goneHits, 0);
  return (
    <Card title="Result" id="backtest-summary">
      <p>
        The {props.draftName} (set <code>{result.draft.setVersion}</code>) over {formatCount(result.draft.changes)} recorded changes of {formatCount(result.draft.deals)} deals,
        {" "}{day(result.window.from)} to {day(result.window.to - 1)}: <strong>{formatCount(hits)} hit{hits === 1 ? "" : "s"}</strong> against {formatCount(active)} by
        ({props.againstName}, set <code>{result.against?.setVersion ?? "—"}</code>) — {formatCount(news)} new, {formatCount(gone)} no longer raised.
      </p>
      {props.b.draftFiles.length > 0 ? <p class="muted">Draft files: {props.b.draftFiles.join(", ")}; the rest is the active set.</p> : null}
      {result.unrecorded.length > 0 ? (
        <p class="alert" id="unrecorded">The engine recorded no values of {result.unrecorded.join(", ")} (the running set doesn't read them): rules reading them see them as empty here. <code>npm run policies -- backtest … --source hubspot</code> reads them from HubSpot's history.</p>
      ) : null}
      {result.unrecordedEdits.length > 0 ? (
        <p class="alert" id="unrecorded-edits">The draft fires on edits of {result.unrecordedEdits.join(", ")}; no running rule does, so the engine recorded few such edits (only on deals with an open violation). <code>npm run policies -- backtest … --source hubspot</code> replays every edit from HubSpot's history.</p>
      ) : null}
      {result.uncounted.changes > 0 ? (
        <p class="alert" id="uncounted">On {result.uncounted.changes} change{result.uncounted.changes === 1 ? "" : "s"} the draft's verdict turns on {associationKindWords(result.uncounted.kinds)} counts the engine hadn't taken yet (no running rule needed them, so they were recorded as 0). <code>npm run policies -- backtest … --source hubspot</code> reads them from HubSpot.</p>
      ) : null}
    </Card>
  );
}
