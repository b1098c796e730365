// What compiling one policy needs, and the CEL step every compile file shares: parse and type-check one boolean
// expression, reporting errors at their position inside the YAML scalar.
import { checkExpression, type CelEnvironment } from "./cel-env";
import type { PathSegment } from "./load";
import type { CelPlan, CompileContext } from "./plan";
import type { PortalIndex } from "./portal-index";
import type { PolicyDoc } from "./schema";
import { suggestName } from "./suggest";

type Path = readonly PathSegment[];

export interface CompileInput {
  doc: PolicyDoc;
  file: string;
  version: string;
  index: PortalIndex;
  cel: CelEnvironment;
  ctx: CompileContext;
}

/** Parses and type-checks one boolean expression, reporting errors at their position inside the YAML scalar. */
export function compileCel(input: CompileInput, source: string, path: Path): CelPlan | null {
  const { cel, ctx } = input;
  const checked = checkExpression(cel, source);
  if (!checked.ok) {
    if (checked.unknownKey !== undefined && /\b(new|old)\.\s*$/.test(source.slice(0, checked.start))) {
      ctx.report("unknown-property", path, `unknown property "${checked.unknownKey}"`, {
        offset: checked.start,
        suggestion: suggestName(checked.unknownKey, Object.keys(cel.dealFields)),
      });
    } else {
      ctx.report(checked.code === "syntax" ? "cel-syntax" : "cel-type", path, `CEL: ${checked.message}`, { offset: checked.start });
    }
    return null;
  }
  if (checked.type !== "bool") {
    ctx.report("cel-type", path, `CEL: expression must be a bool, got ${checked.type}`, { offset: 0 });
    return null;
  }
  const run = checked.run;
  return { source, run: (context) => run(context), paths: checked.paths };
}
