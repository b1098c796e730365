// The simulator's stand-in for HubSpot's deal record page, at HubSpot's own path (/contacts/{portalId}/record/0-3/
// {dealId}), so the engine's deal links work in the demo with HUBSPOT_PORTAL_UI_URL set to the simulator's URL.
// Read-only HTML (JSON with ?format=json); it must never change a portal.
import { Hono } from "hono";
import { describeDeal } from "../control/respond";
import type { Portal } from "../portal/portal";
import type { PortalRegistry } from "../portal/registry";

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function ownerName(portal: Portal, ownerId: string | undefined): string {
  const o = portal.store.owners.find((x) => x.id === ownerId);
  return o ? `${o.firstName} ${o.lastName}`.trim() || o.email : (ownerId ?? "—");
}

function stageLabel(portal: Portal, pipelineId: string | undefined, stageId: string | undefined): string {
  return portal.store.pipelines.find((p) => p.id === pipelineId)?.stages.find((s) => s.id === stageId)?.label ?? stageId ?? "—";
}

function renderDeal(portal: Portal, deal: ReturnType<typeof describeDeal>): string {
  const p = deal.properties;
  const rows = Object.entries(p)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`)
    .join("");
  const stages = (deal.history.dealstage ?? [])
    .map((h) => `<li>${escape(h.timestamp)}: ${escape(stageLabel(portal, p.pipeline, h.value))}</li>`)
    .join("");
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(p.dealname ?? `Deal ${deal.id}`)} · HubSpot simulator</title>
<style>body{font-family:system-ui,sans-serif;max-width:860px;margin:24px auto;padding:0 16px;color:#1c2330}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e2e6ec;vertical-align:top}th{color:#5d6778;font-weight:600}.note{color:#5d6778}</style>
</head><body><p class="note">HubSpot simulator · portal ${portal.identity.portalId} · deal record</p>
<h1 id="deal-name">${escape(p.dealname ?? `Deal ${deal.id}`)}</h1>
<p id="deal-summary">${escape(stageLabel(portal, p.pipeline, p.dealstage))} · owner ${escape(ownerName(portal, p.hubspot_owner_id))}${deal.archived ? " · deleted" : ""}</p>
<h2>Stage history</h2><ol>${stages}</ol>
<h2>Properties</h2><table>${rows}</table>
<p class="note">Tasks: ${deal.associations.tasks.length} · <a href="?format=json">as JSON</a></p></body></html>`;
}

export function dealPageRoutes(registry: PortalRegistry): Hono {
  const app = new Hono();
  app.get("/contacts/:portalId/record/0-3/:dealId", (c) => {
    const portal = /^\d+$/.test(c.req.param("portalId")) ? registry.get(Number(c.req.param("portalId"))) : undefined;
    const deal = portal?.store.get("deals", c.req.param("dealId"), true);
    if (!portal || !deal) return c.html(`<!DOCTYPE html><title>Not found</title><h1>No such deal in this simulator</h1>`, 404);
    const described = describeDeal(portal, deal);
    return c.req.query("format") === "json" ? c.json(described) : c.html(renderDeal(portal, described));
  });
  return app;
}
