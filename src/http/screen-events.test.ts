import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exceedsDepth } from "./screen-events";

/** Nesting depth by the recursive definition: scalars 0, a container 1 + its deepest child. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("exceedsDepth", () => {
  it("agrees with the recursive definition of depth for any JSON value and limit", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, limit) => {
        expect(exceedsDepth(value, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 1000 },
    );
  });

  it("counts a flat HubSpot event as 1 and its id array as 2", () => {
    expect(exceedsDepth({ eventId: 1, propertyValue: "x" }, 1)).toBe(false);
    expect(exceedsDepth({ eventId: 1, mergedObjectIds: [1, 2] }, 1)).toBe(true);
    expect(exceedsDepth({ eventId: 1, mergedObjectIds: [1, 2] }, 2)).toBe(false);
  });

  it("answers for 1,000,000 levels without recursion", () => {
    let deep: unknown = [];
    for (let i = 1; i < 1_000_000; i++) deep = [deep];
    expect(exceedsDepth(deep, 32)).toBe(true);
    expect(exceedsDepth(deep, 1_000_000)).toBe(false);
  }, 60_000); // a guard against hangs only: the machine running the suite may be busy
});
