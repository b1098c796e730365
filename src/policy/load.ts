// YAML/JSON text → a plain value plus a locator that maps field paths (and offsets inside scalars) to line:column.
// Pure: takes the text, never reads files.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { PolicyError } from "./types";

export type PathSegment = string | number;
export interface Position {
  line: number;
  column: number;
}

export interface SourceDoc {
  file: string;
  value: unknown;
  /** Position of the value at `path` (or of its key with `at: "key"`); falls back to the deepest existing node. */
  locate(path: readonly PathSegment[], at?: "key" | "value"): Position;
  /** Position of character `offset` inside the string scalar at `path` (for CEL error ranges). */
  locateInScalar(path: readonly PathSegment[], offset: number): Position;
}

/** Parses one file. YAML syntax errors (duplicate keys included) come back as positioned PolicyErrors. */
export function loadSource(file: string, text: string): { ok: true; value: SourceDoc } | { ok: false; error: PolicyError[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      error: doc.errors.map((e) => ({ code: "yaml-syntax", file, ...at(e.pos[0]), path: "", message: firstLine(e.message) })),
    };
  }
  const root = doc.contents;
  const find = (path: readonly PathSegment[]): { node: Node | null; key: Node | null } => {
    let node: unknown = root;
    let key: Node | null = null;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (pair === undefined) break;
        key = isScalar(pair.key) ? pair.key : null;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item: unknown = node.items[segment];
        if (item === undefined) break;
        key = null;
        node = item;
      } else break;
    }
    return { node: isNodeLike(node) ? node : null, key };
  };
  const startOf = (n: Node | null): Position => (n?.range ? at(n.range[0]) : { line: 1, column: 1 });
  return {
    ok: true,
    value: {
      file,
      value: doc.toJS({ maxAliasCount: 100 }) as unknown,
      locate(path, which = "value") {
        const { node, key } = find(path);
        return which === "key" && key !== null ? startOf(key) : startOf(node ?? key);
      },
      locateInScalar(path, offset) {
        const { node } = find(path);
        if (!isScalar(node) || !node.range) return startOf(node);
        const start = node.range[0];
        switch (node.type) {
          case "QUOTE_DOUBLE":
          case "QUOTE_SINGLE":
            return at(start + 1 + offset);
          case "BLOCK_LITERAL":
          case "BLOCK_FOLDED":
            return locateInBlock(text.slice(start, node.range[1]), at(start), offset);
          default:
            return at(start + offset);
        }
      },
    },
  };
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === "object" && value !== null && "range" in value;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

/** Maps an offset in a block scalar's value to its source line/column (header line, then indented content). */
function locateInBlock(source: string, header: Position, offset: number): Position {
  const lines = source.split("\n").slice(1);
  const indents = lines.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length);
  const indent = indents.length > 0 ? Math.min(...indents) : 0;
  let left = offset;
  for (let i = 0; i < lines.length; i++) {
    const content = (lines[i] ?? "").slice(indent);
    if (left <= content.length) return { line: header.line + 1 + i, column: indent + left + 1 };
    left -= content.length + 1;
  }
  return header;
}
