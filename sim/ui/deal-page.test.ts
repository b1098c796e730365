// The simulator's deal page at HubSpot's record path: what a manager's "open in HubSpot" link shows in the demo.
import { describe, expect, inject, it } from "vitest";
import { SimClient } from "../client";

describe("deal page", () => {
  it("shows the deal's name, stage, owner and stage history at /contacts/{portalId}/record/0-3/{dealId}, or its JSON", async () => {
    const p = await new SimClient(inject("simUrl")).createPortal();
    await p.seed({ teams: 1, ownersPerTeam: 1, deals: 0 });
    const deal = await p.createDeal({ properties: { dealname: "Acme <renewal>", dealstage: "appointmentscheduled" } });
    const url = `${inject("simUrl")}/contacts/${p.info.portalId}/record/0-3/${deal.id}`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1 id="deal-name">Acme &#60;renewal&#62;</h1>');
    expect(html).toContain("Appointment");
    const json = (await (await fetch(`${url}?format=json`)).json()) as { id: string; properties: Record<string, string> };
    expect(json).toMatchObject({ id: deal.id, properties: { dealname: "Acme <renewal>" } });
    expect((await fetch(`${inject("simUrl")}/contacts/${p.info.portalId}/record/0-3/999999999`)).status).toBe(404);
  });
});
