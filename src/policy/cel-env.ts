// The CEL environment a policy set's expressions are checked and run in: typed variables old/new/change/actor/deal/now.
// Built once per set from the portal's properties. Dates and numbers are doubles; `now` and dates are epoch ms.
import { Environment, type ASTNode, type ParseResult } from "@marcbachmann/cel-js";
import type { PortalIndex } from "./portal-index";
import { celTypeOf, isCelIdentifier } from "./values";
import { startOfZonedDay } from "./zoned-time";

// Constructors for the registered CEL object types (instances are plain field bags).
class CelDeal {}
class CelStage {}
class CelChange {}
class CelActor {}
class CelDealInfo {}

const DAY_MS = 86_400_000;

export const STAGE_FIELDS = {
  id: "string", label: "string", index: "int", isClosed: "bool", isWon: "bool", isLost: "bool",
  probability: "double", pipeline: "string",
} as const;
export const CHANGE_FIELDS = {
  kind: "string", properties: "list<string>", stageChanged: "bool", pipelineChanged: "bool", from: "Stage", to: "Stage",
} as const;
export const ACTOR_FIELDS = {
  userId: "string", ownerId: "string", teamIds: "list<string>", isOwner: "bool", isManager: "bool",
  source: "string", changeSource: "string", sourceId: "string",
} as const;
export const DEAL_INFO_FIELDS = {
  id: "string", ownerId: "string", teamIds: "list<string>", pipeline: "string",
  contacts: "int", companies: "int", lineItems: "int",
  // Calendar days (fractional) since the deal entered its current stage, at `now`; absent when the entry is unknown.
  daysInStage: "double",
} as const;

export interface CelEnvironment {
  env: Environment;
  dealFields: Record<string, "double" | "bool" | "string">;
  make: {
    deal(): Record<string, unknown>;
    stage(): Record<string, unknown>;
    change(): Record<string, unknown>;
    actor(): Record<string, unknown>;
    dealInfo(): Record<string, unknown>;
  };
}

/** Creates the environment with every CEL-addressable portal property as a typed field of `old`/`new`. */
export function createCelEnvironment(index: PortalIndex): CelEnvironment {
  const dealFields: Record<string, "double" | "bool" | "string"> = {};
  for (const property of index.properties.values()) {
    if (isCelIdentifier(property.name)) dealFields[property.name] = celTypeOf(property.type);
  }
  const env = new Environment({ homogeneousAggregateLiterals: false, limits: { maxAstNodes: 2000, maxDepth: 64 } })
    .registerType("Deal", { ctor: CelDeal, fields: dealFields })
    .registerType("Stage", { ctor: CelStage, fields: STAGE_FIELDS })
    .registerType("Change", { ctor: CelChange, fields: CHANGE_FIELDS })
    .registerType("Actor", { ctor: CelActor, fields: ACTOR_FIELDS })
    .registerType("DealInfo", { ctor: CelDealInfo, fields: DEAL_INFO_FIELDS })
    .registerVariable("old", "Deal", { description: "the deal's properties before the change (absent when empty)" })
    .registerVariable("new", "Deal", { description: "the deal's properties after the change (absent when empty)" })
    .registerVariable("change", "Change")
    .registerVariable("actor", "Actor")
    .registerVariable("deal", "DealInfo")
    .registerVariable("now", "double", { description: "evaluation time, epoch ms" })
    .registerFunction("days(int): double", (n: bigint) => Number(n) * DAY_MS)
    .registerFunction("days(double): double", (n: number) => n * DAY_MS)
    .registerFunction("hours(int): double", (n: bigint) => Number(n) * 3_600_000)
    // "Today" is the portal's day: a close date picked in Auckland or Los Angeles is judged by that calendar.
    .registerFunction("startOfDay(double): double", (ms: number) => (Number.isFinite(ms) ? startOfZonedDay(ms, index.timeZone) : ms));
  return {
    env,
    dealFields,
    make: {
      deal: () => new CelDeal() as Record<string, unknown>,
      stage: () => new CelStage() as Record<string, unknown>,
      change: () => new CelChange() as Record<string, unknown>,
      actor: () => new CelActor() as Record<string, unknown>,
      dealInfo: () => new CelDealInfo() as Record<string, unknown>,
    },
  };
}

export type CheckOutcome =
  | { ok: true; run: ParseResult; type: string; paths: string[] }
  | { ok: false; code: string; message: string; start: number; unknownKey?: string };

/** Parses and type-checks one expression. Never throws. */
export function checkExpression(cel: CelEnvironment, source: string): CheckOutcome {
  try {
    const checked = cel.env.check(source);
    if (!checked.valid || checked.error !== undefined) {
      const error = checked.error;
      const summary = error?.summary ?? "invalid expression";
      const key = /^No such key: (\S+)/.exec(summary)?.[1];
      return {
        ok: false,
        code: error?.name === "ParseError" ? "syntax" : (error?.code ?? "type"),
        message: summary,
        start: error?.range?.start ?? 0,
        ...(key === undefined ? {} : { unknownKey: key }),
      };
    }
    const run = cel.env.parse(source);
    return { ok: true, run, type: checked.type ?? "dyn", paths: collectPaths(run.ast) };
  } catch (error) {
    return { ok: false, code: "syntax", message: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error), start: 0 };
  }
}

/** Variables and member paths ("now", "new.amount", "change.to.index") an expression reads, de-duplicated. */
export function collectPaths(ast: ASTNode): string[] {
  const out = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== "object" || node === null || !("op" in node)) return;
    const path = pathOf(node as ASTNode);
    if (path !== null) {
      out.add(path);
      return;
    }
    visit((node as unknown as { args: unknown }).args);
  };
  visit(ast);
  return [...out];
}

function pathOf(node: ASTNode): string | null {
  if (node.op === "id") return node.args;
  if (node.op === ".") {
    const base = pathOf(node.args[0]);
    return base === null ? null : `${base}.${node.args[1]}`;
  }
  return null;
}
