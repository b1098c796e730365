// The policy core's check-time errors: what `check` reports, positioned in its file. Pure data shapes only.
export type PolicyErrorCode =
  | "yaml-syntax"
  | "schema"
  | "unknown-field"
  | "duplicate-id"
  | "unknown-pipeline"
  | "unknown-stage"
  | "unknown-property"
  | "cel-syntax"
  | "cel-type"
  | "template"
  | "invalid-date"
  | "native-uncompilable";

/** A check-time error, positioned in its file: `file:line:col path: message (did you mean "x"?)`. */
export interface PolicyError {
  code: PolicyErrorCode;
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  /** Field path, e.g. `rules[2].require[1]`; "" for the whole document. */
  path: string;
  message: string;
  suggestion?: string;
}
