// Property tests run with one fixed seed, so a CI run is reproducible and a failure shows up on every run, not one in
// a hundred; `FC_SEED=<n> npm test` explores other seeds (a failure prints its seed and path to replay it).
import fc from "fast-check";

export const DEFAULT_SEED = 20_261_201;

export function seedPropertyTests(raw: string | undefined): void {
  const seed = raw === undefined || raw.trim() === "" ? DEFAULT_SEED : Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got "${raw ?? ""}"`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
