// Entry point of compilation: files + portal schema → one compiled set, or every positioned error across all files.
import { createCelEnvironment, type CelEnvironment } from "./cel-env";
import { compilePolicy } from "./compile";
import { loadSource, type SourceDoc } from "./load";
import type { CelPlan, CelRuntime, CompileContext, InternalPolicySet, PolicyPlan, TemplatePlan } from "./plan";
import { PortalSchemaSchema } from "./portal";
import { indexPortal } from "./portal-index";
import type { AssociationKind, CompiledPolicySet, PolicyError, PolicyFile, PortalSchema, Result } from "./types";
import { formatPath, validatePolicyDoc } from "./validate";
import { hashText } from "./version";
import { planNative } from "./native/compile";

/** Properties every evaluation needs regardless of the rules (stage, pipeline, owner, name for messages). */
const BASE_PROPERTIES = ["dealname", "dealstage", "hubspot_owner_id", "pipeline"];
/** The association counts an expression can read, by path. */
export const EXPRESSION_KINDS: Readonly<Record<string, AssociationKind>> = { "deal.contacts": "contacts", "deal.companies": "companies", "deal.lineItems": "line_items" };

/**
 * Parses, validates, resolves (stage labels/ids, pipelines, properties against `portal`) and compiles every policy
 * file once. Returns every error found across all files, positioned `file:line:col` (never throws).
 */
export function loadPolicySet(files: PolicyFile[], portal: PortalSchema): Result<CompiledPolicySet, PolicyError[]> {
  const checkedPortal = PortalSchemaSchema.safeParse(portal);
  if (!checkedPortal.success) {
    const issue = checkedPortal.error.issues[0];
    return { ok: false, error: [{ code: "schema", file: "portal", line: 0, column: 0, path: issue?.path.join(".") ?? "", message: `invalid portal schema: ${issue?.message ?? "unknown"}` }] };
  }
  const index = indexPortal(checkedPortal.data);
  const cel = createCelEnvironment(index);
  const errors: PolicyError[] = [];
  const plans: PolicyPlan[] = [];
  const owners = new Map<string, string>();
  const reporters = new Map<string, CompileContext>();
  for (const file of files) {
    const loaded = loadSource(file.path, file.text);
    if (!loaded.ok) {
      errors.push(...loaded.error);
      continue;
    }
    const source = loaded.value;
    const validated = validatePolicyDoc(source);
    if (!validated.ok) {
      errors.push(...validated.error);
      continue;
    }
    const before = errors.length;
    const reporter = createReporter(source, errors);
    reporters.set(file.path, reporter);
    const plan = compilePolicy({ doc: validated.value, file: file.path, version: hashText(file.text), index, cel, ctx: reporter });
    const other = owners.get(plan.id);
    if (other !== undefined) {
      errors.push({ code: "duplicate-id", file: file.path, ...source.locate(["id"]), path: "id", message: `duplicate policy id "${plan.id}" (also in ${other})` });
    }
    owners.set(plan.id, file.path);
    if (errors.length === before) plans.push(plan);
  }
  refuseUncompilableNative(plans, index, reporters);
  if (errors.length > 0) return { ok: false, error: sortErrors(errors) };
  const expressions = plans.flatMap((p) => [p.scope.when, ...p.rules.flatMap((r) => [r.when, r.assert, r.approval?.when ?? null])]).filter((c): c is CelPlan => c !== null);
  const celNames = new Set(expressions.flatMap((c) => c.paths.flatMap((path) => /^(?:new|old)\.([^.]+)/.exec(path)?.[1] ?? [])));
  const templates = plans.flatMap((p) => p.rules.flatMap((r) => [r.message, ...r.actions.flatMap((a) => (a.task ? [a.task.subject, a.task.body] : []))]));
  const properties = new Set([
    ...BASE_PROPERTIES.filter((p) => index.properties.has(p) || p === "dealstage" || p === "pipeline"),
    ...celNames,
    ...templates.flatMap(templateProperties),
    ...plans.flatMap((p) => p.rules.flatMap((r) => [...r.require.map((q) => q.property), ...(r.triggers.properties ?? [])])),
  ]);
  const expressionKinds = new Set(expressions.flatMap((c) => c.paths.flatMap((path) => EXPRESSION_KINDS[path] ?? [])));
  const associationKinds = new Set<AssociationKind>([...plans.flatMap((p) => p.rules.flatMap((r) => r.associations.map((a) => a.kind))), ...expressionKinds]);
  const set: InternalPolicySet = {
    kind: "CompiledPolicySet",
    version: hashText(plans.map((p) => `${p.id}@${p.version}`).sort().join("\n")),
    portal: checkedPortal.data,
    policies: plans.map((p) => ({
      id: p.id,
      version: p.version,
      file: p.file,
      mode: p.mode,
      ...(p.description ? { description: p.description } : {}),
      rules: p.rules.map((r) => ({
        id: r.id, enforcement: r.enforcement, mode: r.mode, severity: r.severity, actions: r.actions.map((a) => a.type),
        ...(r.description ? { description: r.description } : {}),
        ...(r.explain ? { explain: r.explain.source } : {}),
      })),
    })),
    plans,
    index,
    cel: createRuntime(cel, index, celNames),
    properties: [...properties].sort(),
    associationKinds: [...associationKinds].sort(),
    expressionAssociationKinds: [...expressionKinds].sort(),
  };
  return { ok: true, value: set };
}

/** `enforcement: native+engine` is a promise that HubSpot blocks the move: refuse a rule it can't keep, saying why. */
function refuseUncompilableNative(plans: readonly PolicyPlan[], index: ReturnType<typeof indexPortal>, reporters: ReadonlyMap<string, CompileContext>): void {
  if (!plans.some((p) => p.rules.some((r) => r.enforcement === "native+engine"))) return;
  const reports = planNative(plans, index).rules;
  for (const policy of plans) {
    const reporter = reporters.get(policy.file);
    policy.rules.forEach((rule, i) => {
      const report = reports.find((r) => r.policyId === policy.id && r.ruleId === rule.id);
      if (rule.enforcement !== "native+engine" || report === undefined || report.compiled) return;
      reporter?.report("native-uncompilable", ["rules", i, "enforcement"], `HubSpot's pipeline rules can't enforce this rule: ${report.blockers.join("; ")} (use enforcement: engine)`);
    });
  }
}

function createReporter(source: SourceDoc, errors: PolicyError[]): CompileContext {
  return {
    file: source.file,
    report(code, path, message, options = {}) {
      const position = options.offset !== undefined ? source.locateInScalar(path, options.offset) : source.locate(path, options.at ?? "value");
      errors.push({
        code,
        file: source.file,
        ...position,
        path: formatPath(path),
        message,
        ...(options.suggestion === undefined ? {} : { suggestion: options.suggestion }),
      });
    },
  };
}

function templateProperties(template: TemplatePlan): string[] {
  return template.parts.flatMap((p) => (typeof p !== "string" && /^(new|old)\./.test(p.ref) ? [p.ref.slice(4)] : []));
}

function createRuntime(cel: CelEnvironment, index: ReturnType<typeof indexPortal>, names: ReadonlySet<string>): CelRuntime {
  return {
    celProperties: [...names].flatMap((name) => {
      const property = index.properties.get(name);
      return property === undefined ? [] : [{ name, type: property.type }];
    }),
    makeDeal: cel.make.deal,
    makeChange: cel.make.change,
    makeActor: cel.make.actor,
    makeDealInfo: cel.make.dealInfo,
    makeStage: cel.make.stage,
    compile(source) {
      try {
        const run = cel.env.parse(source);
        return (context) => run(context);
      } catch (error) {
        void error;
        return null;
      }
    },
  };
}

/** File order as given, then line, then column: the order an editor walks them. */
function sortErrors(errors: PolicyError[]): PolicyError[] {
  const order = new Map<string, number>();
  errors.forEach((e) => order.set(e.file, order.get(e.file) ?? order.size));
  return [...errors].sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.column - b.column);
}
