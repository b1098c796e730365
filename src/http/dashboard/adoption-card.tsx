// Adoption health on the overview: each team's weekly compliance and complete-data shares, with a flag on a team
// whose figures dropped by more than ADOPTION_DROP_POINTS over two weeks (the retrain-and-fade cycle, seen early).
import type { AdoptionHealth, AdoptionWeek } from "../../store/adoption-query";
import { nameOf, type DisplayNames } from "../../store/display-names";
import { formatShare, toQueryString } from "./format";
import { EmptyState } from "./layout";

function WeekTable(props: { id: string; health: AdoptionHealth; names: DisplayNames; pick: (w: AdoptionWeek) => number | null; caption: string }) {
  const weeks = props.health.teams[0]?.weeks ?? [];
  return (
    <div class="scroll">
      <table id={props.id}>
        <caption class="muted" style="text-align:left">{props.caption}</caption>
        <thead>
          <tr>
            <th>Team</th>
            {weeks.map((w) => <th class={`num${w.partial ? " partial" : ""}`}>{w.week.slice(5)}</th>)}
          </tr>
        </thead>
        <tbody>
          {props.health.teams.map((t) => (
            <tr data-team={t.teamId} class={t.flag ? "changed" : ""}>
              <td><a href={`/dashboard/review${toQueryString({ team: t.teamId })}`}>{nameOf(props.names.teams, t.teamId)}</a></td>
              {t.weeks.map((w) => <td class="num" title={`${w.changes} stage changes`}>{formatShare(props.pick(w))}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AdoptionCard(props: { health: AdoptionHealth; names: DisplayNames }) {
  const flagged = props.health.teams.filter((t) => t.flag !== null);
  return (
    <div class="card" id="adoption" style="margin-bottom:16px">
      <h2>Adoption health</h2>
      {flagged.map((t) => (
        <p class="flag" data-flagged={t.teamId}>
          {nameOf(props.names.teams, t.teamId)}: {t.flag?.metric === "compliance" ? "compliant stage moves" : "complete data"} fell {t.flag?.dropPoints} points
          from the week of {t.flag?.fromWeek} to the week of {t.flag?.toWeek} (flagged above {props.health.dropThresholdPoints} points).
        </p>
      ))}
      {props.health.teams.length === 0 ? (
        <EmptyState title="No stage changes yet">Each team's weekly compliance and data completeness will show here.</EmptyState>
      ) : (
        <>
          <WeekTable id="adoption-compliance" health={props.health} names={props.names} pick={(w) => w.complianceRate} caption="Compliant stage moves, week by week (weeks start Monday)" />
          <WeekTable id="adoption-completeness" health={props.health} names={props.names} pick={(w) => w.completeness} caption="Stage changes with the data their stage requires" />
        </>
      )}
    </div>
  );
}
