// CEL → HubSpot's Lists filter language, for an approval gate's condition. Only a subset translates: `has(new.p)`,
// `!has(new.p)`, `new.p <op> literal` on number/string/enumeration/bool properties, joined by && / || and
// parentheses. Anything else is a reason the gate stays with the engine. Pure; never throws.
import type { PortalIndex } from "../portal-index";
import type { Result } from "../types";
import type { FilterBranch, NumberOperator, PropertyFilter } from "./types";

type Token = { kind: "op" | "ident" | "num" | "str" | "punct"; text: string };
type Node = { kind: "or" | "and"; items: Node[] } | { kind: "leaf"; filter: PropertyFilter };

const MAX_BRANCHES = 10;

/** Translates `source` into an OR-of-ANDs filter branch, or says why it can't. */
export function translateCondition(source: string, index: PortalIndex): Result<FilterBranch, string> {
  const tokens = tokenize(source);
  if (typeof tokens === "string") return { ok: false, error: tokens };
  const parser = new Parser(tokens, index);
  const tree = parser.parseOr();
  if (typeof tree === "string") return { ok: false, error: tree };
  if (!parser.done()) return { ok: false, error: `"${parser.peek()?.text ?? ""}" is beyond what HubSpot's filters express` };
  const dnf = toDnf(tree);
  if (dnf.length > MAX_BRANCHES) return { ok: false, error: `the condition expands to ${dnf.length} filter groups (HubSpot's builder takes ${MAX_BRANCHES})` };
  return {
    ok: true,
    value: { filterBranchType: "OR", filters: [], filterBranches: dnf.map((filters) => ({ filterBranchType: "AND", filters, filterBranches: [] })) },
  };
}

function tokenize(source: string): Token[] | string {
  const out: Token[] = [];
  const re = /\s*(?:(&&|\|\||==|!=|>=|<=|>|<)|([A-Za-z_][A-Za-z0-9_]*)|(-?\d+(?:\.\d+)?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([().!]))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(source);
    if (m === null) return `"${source.slice(at).trim().slice(0, 20)}" is beyond what HubSpot's filters express`;
    at = re.lastIndex;
    if (m[1] !== undefined) out.push({ kind: "op", text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: "ident", text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: "num", text: m[3] });
    else if (m[4] !== undefined) out.push({ kind: "str", text: m[4].slice(1, -1).replace(/\\(.)/g, "$1") });
    else if (m[5] !== undefined) out.push({ kind: "punct", text: m[5] });
  }
  return out;
}

const FLIP: Record<string, string> = { ">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!=" };
const NUMBER_OPS: Record<string, NumberOperator> = {
  "==": "IS_EQUAL_TO", "!=": "IS_NOT_EQUAL_TO", ">": "IS_GREATER_THAN", ">=": "IS_GREATER_THAN_OR_EQUAL_TO", "<": "IS_LESS_THAN", "<=": "IS_LESS_THAN_OR_EQUAL_TO",
};

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[], private readonly index: PortalIndex) {}
  done(): boolean { return this.at >= this.tokens.length; }
  peek(): Token | undefined { return this.tokens[this.at]; }
  private next(): Token | undefined { return this.tokens[this.at++]; }
  private accept(text: string): boolean {
    if (this.peek()?.text !== text) return false;
    this.at++;
    return true;
  }

  parseOr(): Node | string {
    const items: Node[] = [];
    do {
      const item = this.parseAnd();
      if (typeof item === "string") return item;
      items.push(item);
    } while (this.accept("||"));
    return items.length === 1 && items[0] !== undefined ? items[0] : { kind: "or", items };
  }

  private parseAnd(): Node | string {
    const items: Node[] = [];
    do {
      const item = this.parseUnary();
      if (typeof item === "string") return item;
      items.push(item);
    } while (this.accept("&&"));
    return items.length === 1 && items[0] !== undefined ? items[0] : { kind: "and", items };
  }

  private parseUnary(): Node | string {
    if (this.accept("(")) {
      const inner = this.parseOr();
      if (typeof inner === "string") return inner;
      return this.accept(")") ? inner : "unbalanced parentheses";
    }
    if (this.accept("!")) {
      if (this.peek()?.text !== "has") return "negation is only translatable as !has(new.property)";
      return this.parseHas(true);
    }
    if (this.peek()?.text === "has") return this.parseHas(false);
    return this.parseComparison();
  }

  private parseHas(negated: boolean): Node | string {
    this.next();
    if (!this.accept("(")) return "has needs parentheses";
    const parsed = this.parseProperty();
    if (typeof parsed === "string") return parsed;
    if (!this.accept(")")) return "has(...) takes one property";
    return { kind: "leaf", filter: { filterType: "PROPERTY", property: parsed.name, operation: { operationType: "ALL_PROPERTY", operator: negated ? "IS_UNKNOWN" : "IS_KNOWN" } } };
  }

  /** `new.<name>` → its name; anything else → why it doesn't translate. */
  private parseProperty(): { name: string } | string {
    const first = this.next();
    if (first?.text !== "new") return first?.text === "old" ? "conditions on the previous value (old.*)" : `"${first?.text ?? "end"}" is not a deal property (use new.<property>)`;
    if (!this.accept(".")) return "expected new.<property>";
    const name = this.next();
    if (name?.kind !== "ident") return "expected a property name after new.";
    return { name: name.text };
  }

  private parseComparison(): Node | string {
    const leftIsProperty = this.peek()?.text === "new" || this.peek()?.text === "old";
    let property: string;
    let literal: Token | undefined;
    let op: string;
    if (leftIsProperty) {
      const p = this.parseProperty();
      if (typeof p === "string") return p;
      property = p.name;
      op = this.next()?.text ?? "";
      literal = this.next();
    } else {
      literal = this.next();
      op = FLIP[this.next()?.text ?? ""] ?? "";
      const p = this.parseProperty();
      if (typeof p === "string") return p;
      property = p.name;
    }
    if (!(op in NUMBER_OPS)) return `"${op}" is not a comparison HubSpot's filters have`;
    if (literal === undefined || (literal.kind !== "num" && literal.kind !== "str" && literal.text !== "true" && literal.text !== "false")) {
      return "comparisons must be with a literal value (functions, other properties, change/actor/now are engine-only)";
    }
    return this.leaf(property, op, literal);
  }

  private leaf(property: string, op: string, literal: Token): Node | string {
    const type = this.index.properties.get(property)?.type;
    if (type === undefined) return `unknown property "${property}"`;
    const base = { filterType: "PROPERTY" as const, property };
    switch (type) {
      case "number":
        if (literal.kind !== "num") return `${property} is a number`;
        return { kind: "leaf", filter: { ...base, operation: { operationType: "NUMBER", operator: NUMBER_OPS[op] ?? "IS_EQUAL_TO", value: Number(literal.text) } } };
      case "bool":
        if (literal.text !== "true" && literal.text !== "false") return `${property} is a bool`;
        if (op !== "==" && op !== "!=") return `${property} is a bool: only == and !=`;
        return { kind: "leaf", filter: { ...base, operation: { operationType: "BOOL", operator: op === "==" ? "IS_EQUAL_TO" : "IS_NOT_EQUAL_TO", value: literal.text === "true" } } };
      case "string":
        if (literal.kind !== "str" || (op !== "==" && op !== "!=")) return `${property} is text: only == and != with a string`;
        return { kind: "leaf", filter: { ...base, operation: { operationType: "STRING", operator: op === "==" ? "IS_EQUAL_TO" : "IS_NOT_EQUAL_TO", value: literal.text } } };
      case "enumeration":
        if (literal.kind !== "str" || (op !== "==" && op !== "!=")) return `${property} is an enumeration: only == and != with a string`;
        return { kind: "leaf", filter: { ...base, operation: { operationType: "ENUMERATION", operator: op === "==" ? "IS_ANY_OF" : "IS_NONE_OF", values: [literal.text] } } };
      case "date":
      case "datetime":
        return `${property} is a date: date comparisons (epoch ms in CEL) are engine-only`;
    }
  }
}

/** Disjunctive normal form: a list of AND-groups. */
function toDnf(node: Node): PropertyFilter[][] {
  switch (node.kind) {
    case "leaf":
      return [[node.filter]];
    case "or":
      return node.items.flatMap(toDnf);
    case "and":
      return node.items.map(toDnf).reduce<PropertyFilter[][]>((acc, groups) => acc.flatMap((a) => groups.map((g) => [...a, ...g])), [[]]);
  }
}

const SYMBOL: Record<NumberOperator, string> = {
  IS_EQUAL_TO: "=", IS_NOT_EQUAL_TO: "≠", IS_GREATER_THAN: ">", IS_GREATER_THAN_OR_EQUAL_TO: "≥", IS_LESS_THAN: "<", IS_LESS_THAN_OR_EQUAL_TO: "≤",
};

/**
 * A filter branch in words ("amount > 50000 and (dealtype is any of newbusiness)"), for plan/drift output; also the
 * form drift compares, so fields HubSpot may add to its answer (e.g. includeObjectsWithNoValueSet) don't count as drift.
 */
export function describeFilterBranch(branch: FilterBranch): string {
  const parts = [...branch.filters.map(describeFilter), ...branch.filterBranches.map((b) => (b.filters.length + b.filterBranches.length > 1 ? `(${describeFilterBranch(b)})` : describeFilterBranch(b)))];
  return parts.join(branch.filterBranchType === "AND" ? " and " : " or ") || "always";
}

function describeFilter(f: PropertyFilter): string {
  // Answers from HubSpot are only loosely parsed (gateway): an operation of another shape is shown as it came.
  if (typeof (f.operation as unknown) !== "object" || f.operation === null) return JSON.stringify(f);
  const op = f.operation;
  switch (op.operationType) {
    case "ALL_PROPERTY":
      return `${f.property} ${op.operator === "IS_KNOWN" ? "is known" : "is unknown"}`;
    case "NUMBER":
      return `${f.property} ${SYMBOL[op.operator] ?? op.operator} ${op.value}`;
    case "STRING":
      return `${f.property} ${op.operator === "IS_EQUAL_TO" ? "=" : "≠"} ${JSON.stringify(op.value)}`;
    case "ENUMERATION":
      return `${f.property} ${op.operator === "IS_ANY_OF" ? "is any of" : "is none of"} ${op.values.join(", ")}`;
    case "BOOL":
      return `${f.property} ${op.operator === "IS_EQUAL_TO" ? "=" : "≠"} ${op.value}`;
  }
  return JSON.stringify(f);
}
