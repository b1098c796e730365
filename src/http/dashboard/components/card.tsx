// Cards: a titled panel, and the headline figure (KPI) card.
import type { Child } from "hono/jsx";

export function Card(props: { title?: string; id?: string; spaced?: boolean; children?: Child }) {
  return (
    <div class="card" id={props.id} style={props.spaced ? "margin-bottom:16px" : undefined}>
      {props.title ? <h2>{props.title}</h2> : null}
      {props.children}
    </div>
  );
}

export function KpiCard(props: { label: string; value: string; hint?: Child }) {
  return (
    <div class="card kpi">
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      {props.hint ? <div class="hint">{props.hint}</div> : null}
    </div>
  );
}
