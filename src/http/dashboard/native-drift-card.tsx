// The overview's card on HubSpot's own pipeline rules: in sync with the policies, drifted (what differs), or not
// checked — as the cron last stored it (jobs/cron/native-drift.ts). Reads only the store.
import { getNativeDrift } from "../../store/native-drift";
import { formatDate } from "./format";
import { Badge } from "./layout";

export async function NativeDriftCard(props: { db: D1Database }) {
  const drift = await getNativeDrift(props.db);
  if (drift === null || drift.status === "unused") return null;
  const checked = formatDate(new Date(drift.checkedAt).toISOString());
  return (
    <div class="card" id="native-drift" style="margin-bottom:16px">
      <h2>HubSpot's pipeline rules</h2>
      {drift.status === "in-sync" ? (
        <p><Badge kind="resolved">in sync</Badge> HubSpot blocks what the policies ask it to (checked {checked}).</p>
      ) : drift.status === "error" ? (
        <p><Badge kind="warning">not checked</Badge> The last check failed: {drift.error ?? "unknown error"} ({checked}). The engine still enforces every rule.</p>
      ) : (
        <>
          <p>
            <Badge kind="critical">drift</Badge> HubSpot's rules differ from the policies in {drift.differences} place{drift.differences === 1 ? "" : "s"} (checked {checked}).
            Moves HubSpot should block reach the engine instead, which undoes them after the save. Run <code>npm run policies -- native apply</code>.
          </p>
          <table>
            <thead><tr><th>Pipeline</th><th>Rule</th><th>In HubSpot</th><th>Policies want</th></tr></thead>
            <tbody>{drift.lines.slice(0, 10).map((l) => <tr><td>{l.pipeline}</td><td>{l.what}</td><td>{l.current}</td><td>{l.desired}</td></tr>)}</tbody>
          </table>
        </>
      )}
    </div>
  );
}
