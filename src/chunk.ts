// Splits a list into runs of at most `size`: D1 binds at most ~100 parameters per statement and HubSpot's batch
// endpoints take at most 100 (or 1,000) inputs. Pure.

/** The items in order, in runs of at most `size` (the last may be shorter); [] for no items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
