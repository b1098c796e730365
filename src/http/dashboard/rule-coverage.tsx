// The policy page's coverage view: for each change source, who enforces each rule of the policy — HubSpot before the
// save, or the engine after it — from the bundled policy set compiled against the bundled portal snapshot.
import { PORTAL_SNAPSHOT } from "../../generated/policies";
import { shippedPolicyFiles } from "../../enforcement/shipped-policies";
import { loadPolicySet, type PolicyFile } from "../../policy";
import { computeCoverage, COVERAGE_SOURCES, type CoverageCell, type CoverageRow } from "../../policy/native";

const cache = new WeakMap<PolicyFile[], CoverageRow[]>();

function coverageRows(): CoverageRow[] {
  const files = shippedPolicyFiles();
  let rows = cache.get(files);
  if (rows === undefined) {
    const set = loadPolicySet(files, PORTAL_SNAPSHOT);
    rows = set.ok ? computeCoverage(set.value) : [];
    cache.set(files, rows);
  }
  return rows;
}

const CELL: Record<CoverageCell, { text: string; title: string }> = {
  hubspot: { text: "HubSpot, before", title: "HubSpot's pipeline rules refuse the change before it is saved" },
  engine: { text: "engine, after", title: "The engine judges the saved change and acts (task, revert)" },
  "engine-warn": { text: "engine, task", title: "Warn mode: the engine gives the rep a task and reverts nothing" },
  "engine-audit": { text: "engine, records", title: "Audit mode: the engine records what it would have done" },
  "not-checked": { text: "—", title: "The rule exempts this source or doesn't apply to it" },
};

export function RuleCoverage(props: { policyId: string; rule?: (ruleId: string) => string }) {
  const label = props.rule ?? ((ruleId: string) => ruleId);
  const rows = coverageRows().filter((r) => r.policyId === props.policyId);
  if (rows.length === 0) return null;
  return (
    <div class="card" id="coverage" style="margin-top:16px">
      <h2>Who enforces each rule</h2>
      <p class="muted">Per change source: HubSpot's own pipeline rules block before the save; the engine catches the rest after it.</p>
      <div style="overflow-x:auto">
        <table>
          <thead><tr><th>Rule</th>{COVERAGE_SOURCES.map((s) => <th>{s.label}</th>)}</tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{label(r.ruleId)}<br /><span class="muted">{r.enforcement === "engine" ? "engine" : "HubSpot and the engine"}</span></td>
                {COVERAGE_SOURCES.map((s) => {
                  const cell = CELL[r.cells[s.id] ?? "engine"];
                  return <td title={cell.title} data-cell={r.cells[s.id]}>{cell.text}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {/* The reasons name CEL and property names: folded away for admins, as on the violation page. */}
      <details class="muted">
        <summary>Why a rule stays with the engine (technical details for admins)</summary>
        <ul>{rows.filter((r) => r.why !== "").map((r) => <li>{r.ruleId}: {r.why}</li>)}</ul>
      </details>
    </div>
  );
}
