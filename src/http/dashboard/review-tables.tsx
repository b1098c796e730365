// The weekly review's tables: reps against last week and the team, stage moves, close-date slips, stale deals and
// violations. Every deal row opens the deal in HubSpot; every number is text in a table (no chart needed).
import type { DisplayNames } from "../../store/display-names";
import { withSnapshotLabels } from "../api/policy-catalog";
import { nameOf } from "../../store/display-names";
import type { MoveKind, ResolutionKind } from "../../store/figures";
import type { Capped, CloseDateSlip, StageMove, StaleDeal } from "../../store/review-deals";
import type { RepWeek, WeekFigures } from "../../store/review-reps";
import type { ViolationItem } from "../../store/violations";
import { describeMissingWith, formatShare, formatTime } from "./format";
import { Badge, EmptyState } from "./layout";
import { DealLink, Delta } from "./review-parts";

type DealUrl = (portalId: number, dealId: string) => string;

const KIND_LABEL: Record<MoveKind, string> = { created: "created", advanced: "advanced", "moved-back": "moved back", won: "won", lost: "lost", moved: "moved" };
const KIND_BADGE: Record<MoveKind, string> = { created: "info", advanced: "resolved", "moved-back": "warning", won: "enforce", lost: "critical", moved: "audit" };

function Truncated(props: { list: { truncated: boolean } }) {
  return props.list.truncated ? <p class="muted">Showing the first 500 rows.</p> : null;
}

export function RepsTable(props: { reps: RepWeek[]; team: { thisWeek: WeekFigures; lastWeek: WeekFigures }; names: DisplayNames }) {
  const t = props.team.thisWeek;
  const perRep = (n: number) => (props.reps.length ? Math.round((n / props.reps.length) * 10) / 10 : 0);
  return (
    <div class="scroll">
      <table id="review-reps">
        <thead>
          <tr><th>Rep</th><th class="num">Stage moves</th><th class="num">Compliant</th><th class="num">New violations</th><th class="num">Fixed (reverted)</th><th class="num">Close dates pushed</th><th class="num">Won / lost</th></tr>
        </thead>
        <tbody>
          {props.reps.map((r) => (
            <tr data-owner={r.ownerId}>
              <td><a href={`/dashboard/reps/${encodeURIComponent(r.ownerId)}/coaching`}>{nameOf(props.names.owners, r.ownerId)}</a></td>
              <td class="num">{r.thisWeek.moves}<Delta now={r.thisWeek.moves} before={r.lastWeek.moves} higherIsBetter={true} /></td>
              <td class="num">{formatShare(r.thisWeek.complianceRate)}<Delta now={r.thisWeek.complianceRate} before={r.lastWeek.complianceRate} higherIsBetter={true} kind="share" /></td>
              <td class="num">{r.thisWeek.newViolations}<Delta now={r.thisWeek.newViolations} before={r.lastWeek.newViolations} higherIsBetter={false} /></td>
              <td class="num">{r.thisWeek.fixedViolations}{r.thisWeek.revertedByEngine ? <span class="muted"> ({r.thisWeek.revertedByEngine})</span> : null}</td>
              <td class="num">{r.thisWeek.closeDatePushes}<Delta now={r.thisWeek.closeDatePushes} before={r.lastWeek.closeDatePushes} higherIsBetter={false} /></td>
              <td class="num">{r.thisWeek.won} / {r.thisWeek.lost}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr><th>Team</th><th class="num">{t.moves} <span class="muted">({perRep(t.moves)} a rep)</span></th><th class="num">{formatShare(t.complianceRate)}<Delta now={t.complianceRate} before={props.team.lastWeek.complianceRate} higherIsBetter={true} kind="share" /></th><th class="num">{t.newViolations}</th><th class="num">{t.fixedViolations}</th><th class="num">{t.closeDatePushes}</th><th class="num">{t.won} / {t.lost}</th></tr>
        </tfoot>
      </table>
    </div>
  );
}

export function MovesTable(props: { moves: Capped<StageMove>; names: DisplayNames; dealUrl: DealUrl }) {
  if (props.moves.items.length === 0) return <EmptyState title="No stage moves this week" />;
  return (
    <div class="scroll">
      <table id="review-moves">
        <thead><tr><th>When</th><th>Deal</th><th>Rep</th><th>Move</th><th>Kind</th></tr></thead>
        <tbody>
          {props.moves.items.map((m) => (
            <tr data-kind={m.kind}>
              <td class="nowrap">{formatTime(m.occurredAt)}</td>
              <td><DealLink href={props.dealUrl(m.portalId, m.dealId)} name={m.dealName} dealId={m.dealId} /></td>
              <td>{nameOf(props.names.owners, m.ownerId)}</td>
              <td>{nameOf(props.names.stages, m.fromStage)} → {nameOf(props.names.stages, m.toStage)}</td>
              <td><Badge kind={KIND_BADGE[m.kind]}>{KIND_LABEL[m.kind]}</Badge></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Truncated list={props.moves} />
    </div>
  );
}

export function SlipsTable(props: { slips: Capped<CloseDateSlip>; names: DisplayNames; dealUrl: DealUrl }) {
  if (props.slips.items.length === 0) return <EmptyState title="No close date slipped this week" />;
  return (
    <div class="scroll">
      <table id="review-slips">
        <thead><tr><th>Deal</th><th>Rep</th><th class="num">Pushed this week</th><th class="num">Pushed in all</th><th>Close date now</th></tr></thead>
        <tbody>
          {props.slips.items.map((s) => (
            <tr>
              <td><DealLink href={props.dealUrl(s.portalId, s.dealId)} name={s.dealName} dealId={s.dealId} /></td>
              <td>{nameOf(props.names.owners, s.ownerId)}</td>
              <td class="num">{s.daysThisWeek} days{s.pushesThisWeek > 1 ? ` (${s.pushesThisWeek} times)` : ""}</td>
              <td class="num">{s.pushesTotal} {s.pushesTotal === 1 ? "time" : "times"}, {s.daysTotal} days</td>
              <td class="nowrap">{s.closeDate ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Truncated list={props.slips} />
    </div>
  );
}

export function StaleTable(props: { stale: Capped<StaleDeal>; names: DisplayNames; dealUrl: DealUrl }) {
  if (props.stale.items.length === 0) return <EmptyState title="No deal is sitting longer than usual" />;
  return (
    <div class="scroll">
      <table id="review-stale">
        <thead><tr><th>Deal</th><th>Rep</th><th>Stage</th><th class="num">Days in stage</th><th class="num">Team's usual</th></tr></thead>
        <tbody>
          {props.stale.items.map((s) => (
            <tr>
              <td><DealLink href={props.dealUrl(s.portalId, s.dealId)} name={s.dealName} dealId={s.dealId} /></td>
              <td>{nameOf(props.names.owners, s.ownerId)}</td>
              <td>{nameOf(props.names.stages, s.stage)}</td>
              <td class="num">{s.daysInStage}</td>
              <td class="num">{s.teamMedianDays} days</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Truncated list={props.stale} />
    </div>
  );
}

const RESOLUTION_LABEL: Record<ResolutionKind, string> = { person: "fixed by a person", engine: "moved back by the engine", merge: "deal merged" };

export function ViolationsTable(props: { id: string; list: Capped<ViolationItem & { resolution?: ResolutionKind }>; names: DisplayNames; dealUrl: DealUrl; empty: string; when: "occurred" | "resolved" }) {
  if (props.list.items.length === 0) return <EmptyState title={props.empty} />;
  return (
    <div class="scroll">
      <table id={props.id}>
        <thead><tr><th>Deal</th><th>Rep</th><th>What was wrong</th><th>{props.when === "resolved" ? "Fixed" : "When"}</th></tr></thead>
        <tbody>
          {props.list.items.map((v) => (
            <tr>
              <td><DealLink href={props.dealUrl(v.portalId, v.dealId)} name={v.dealName} dealId={v.dealId} /></td>
              <td>{nameOf(props.names.owners, v.ownerId)}</td>
              <td><a href={`/dashboard/violations/${encodeURIComponent(v.id)}`}>{v.missing.length ? `Fill in ${describeMissingWith(withSnapshotLabels(props.names.properties), v.missing)}` : v.message}</a></td>
              <td class="nowrap">{formatTime(props.when === "resolved" ? v.resolvedAt : v.occurredAt)}{v.resolution ? <div class="muted">{RESOLUTION_LABEL[v.resolution]}</div> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Truncated list={props.list} />
    </div>
  );
}
