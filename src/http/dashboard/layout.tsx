// Page chrome shared by every dashboard page: head, top bar with navigation, main column, footer.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { Principal } from "../auth";

export interface LayoutProps {
  title: string;
  principal?: Principal;
  active?: "overview" | "review" | "violations" | "policies" | "docs";
  children?: Child;
}

export function Layout(props: LayoutProps) {
  const p = props.principal;
  return (
    <>
    {raw("<!DOCTYPE html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Deal governance`}</title>
        <link rel="stylesheet" href="/dashboard/assets/app.css" />
        <script src="/dashboard/assets/chart.js" defer></script>
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href="/dashboard">Deal governance</a>
          {p ? (
            <nav>
              <a href="/dashboard" class={props.active === "overview" ? "active" : ""}>Overview</a>
              <a href="/dashboard/review" class={props.active === "review" ? "active" : ""}>Weekly review</a>
              <a href="/dashboard/violations" class={props.active === "violations" ? "active" : ""}>Violations</a>
              <a href="/dashboard/policies" class={props.active === "policies" ? "active" : ""}>Policies</a>
              <a href="/api/docs" class={props.active === "docs" ? "active" : ""}>API</a>
            </nav>
          ) : null}
          {p ? (
            <form method="post" action="/dashboard/logout" class="signout">
              <span class="who">
                {p.name} · {p.role}
                {p.teams ? ` · limited to ${p.teams.length === 1 ? "one team" : `${p.teams.length} teams`}` : ""}
              </span>
              <button type="submit" class="link-button">Sign out</button>
            </form>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
    </>
  );
}

export function EmptyState(props: { title: string; children?: Child }) {
  return (
    <div class="empty">
      <strong>{props.title}</strong>
      {props.children ? <p>{props.children}</p> : null}
    </div>
  );
}

export function Badge(props: { kind: string; children?: Child }) {
  return <span class={`badge badge-${props.kind}`}>{props.children}</span>;
}

/** A proportional bar behind a number: readable without JavaScript. */
export function BarCell(props: { value: number; max: number; label?: string }) {
  const pct = props.max > 0 ? Math.max(2, Math.round((props.value / props.max) * 100)) : 0;
  return (
    <td class="num bar-cell">
      <span class="track">
        <span class="bar" style={`width:${pct}%`}></span>
      </span>
      <span class="bar-label">{props.label ?? props.value.toLocaleString("en-US")}</span>
    </td>
  );
}
