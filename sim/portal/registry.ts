// All portals of one simulator process, found by portal id or by bearer token. The default portal lives here too.
import { randomBytes, randomUUID } from "node:crypto";
import type { CreatePortalInput } from "./config";
import { Portal } from "./portal";

export class PortalRegistry {
  private byId = new Map<number, Portal>();
  private byToken = new Map<string, Portal>();
  private nextPortalId = 70_000_000;

  constructor(private readonly now: () => number = Date.now) {}

  /** Creates an isolated portal. Generated credentials are unique; explicit ones must not collide. */
  create(input: CreatePortalInput = {}): { ok: true; portal: Portal } | { ok: false; message: string } {
    const portalId = input.portalId ?? ++this.nextPortalId;
    const accessToken = input.accessToken ?? `pat-sim-${randomUUID()}`;
    if (this.byId.has(portalId)) return { ok: false, message: `portal ${portalId} exists` };
    if (this.byToken.has(accessToken)) return { ok: false, message: "access token already in use" };
    const identity = {
      portalId,
      accessToken,
      appId: input.appId ?? 9_000_000 + (portalId % 1_000_000),
      clientSecret: input.clientSecret ?? randomBytes(18).toString("hex"),
      ...(input.timeZone === undefined ? {} : { timeZone: input.timeZone }),
    };
    const portal = new Portal(identity, input.seed ?? portalId, this.now);
    portal.applyKnobs(input);
    this.byId.set(portalId, portal);
    this.byToken.set(accessToken, portal);
    return { ok: true, portal };
  }

  /** Replaces a portal with a fresh one: same identity and knobs, empty store and logs. */
  reset(portalId: number): Portal | undefined {
    const old = this.byId.get(portalId);
    if (!old) return undefined;
    old.close();
    const fresh = new Portal(old.identity, old.seed, this.now);
    fresh.applyKnobs({ webhook: old.webhook, limits: old.limits, faults: old.faults, missingScopes: old.missingScopes });
    fresh.onChange = old.onChange;
    this.byId.set(portalId, fresh);
    this.byToken.set(old.identity.accessToken, fresh);
    return fresh;
  }

  get(portalId: number): Portal | undefined {
    return this.byId.get(portalId);
  }

  findByToken(token: string): Portal | undefined {
    return this.byToken.get(token);
  }

  list(): Portal[] {
    return [...this.byId.values()];
  }

  remove(portalId: number): boolean {
    const portal = this.byId.get(portalId);
    if (!portal) return false;
    portal.close();
    this.byId.delete(portalId);
    this.byToken.delete(portal.identity.accessToken);
    return true;
  }

  closeAll(): void {
    for (const p of this.byId.values()) p.close();
  }
}
