// The one Result type: expected failures travel as values (`{ ok: false, error }`) and are thrown only at the edge.

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
