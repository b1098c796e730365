// Small pieces shared by the weekly review, coaching and adoption views: a change arrow that says whether it is
// better or worse, a deal link that opens HubSpot, and their styles (served after the main stylesheet).
import type { Child } from "hono/jsx";
import { formatDuration } from "./format";

export const REVIEW_CSS = `
.delta{font-size:.8rem;font-weight:600;margin-left:6px;white-space:nowrap}.delta.better{color:var(--resolved)}.delta.worse{color:var(--crit)}.delta.same{color:var(--muted)}
tr.changed td{background:#fffbe6}.flag{background:#fff5f5;border:1px solid #ffc9c9;color:#a61e4d;border-radius:6px;padding:8px 12px;margin:0 0 10px}
.scroll table{min-width:560px}.scroll table.compact{min-width:0}.week-nav{display:flex;gap:10px;align-items:center;margin:-8px 0 16px}
th.partial::after{content:" (so far)";font-weight:400;text-transform:none}
@media (max-width:720px){.topbar{height:auto;min-height:52px;flex-wrap:wrap;row-gap:4px;padding:6px 12px}.topbar nav{flex-wrap:wrap}.signout{margin-left:0}.filters input,.filters select{min-width:0;max-width:100%}}
`;

/**
 * The change from `before` to `now`, as "▲ 12 pts" / "▼ 3" / "=": `higherIsBetter` colours it; `kind` formats it.
 * Renders nothing when either side is unknown.
 */
export function Delta(props: { now: number | null | undefined; before: number | null | undefined; higherIsBetter: boolean; kind?: "share" | "count" | "duration" }) {
  if (props.now === null || props.now === undefined || props.before === null || props.before === undefined) return null;
  const d = props.now - props.before;
  const kind = props.kind ?? "count";
  const rounded = kind === "share" ? Math.round(d * 1000) / 10 : d;
  if (rounded === 0 || (kind === "duration" && Math.abs(d) < 60_000)) return <span class="delta same" title="no change">=</span>;
  const better = (d > 0) === props.higherIsBetter;
  const size = kind === "share" ? `${Math.abs(rounded)} pts` : kind === "duration" ? formatDuration(Math.abs(d)) : String(Math.abs(d));
  return <span class={`delta ${better ? "better" : "worse"}`} title={better ? "better than before" : "worse than before"}>{d > 0 ? "▲" : "▼"} {size}</span>;
}

/** A link that opens the deal in HubSpot (the portal's URL, or the simulator's deal page in the demo). */
export function DealLink(props: { href: string; name: string | null; dealId: string; children?: Child }) {
  return (
    <a href={props.href} target="_blank" rel="noopener noreferrer" class="deal-link">
      {props.name ?? `Deal ${props.dealId}`} ↗
    </a>
  );
}
