// HubSpot's input limits on batch endpoints, answered with HubSpot's own 400 bodies (sources in docs/simulator.md).
import { errorBody, type HubSpotErrorBody } from "./errors";

/** Batch read, create, update: at most 100 inputs. */
export const BATCH_INPUT_LIMIT = 100;
/** Batch read asking for `propertiesWithHistory`: at most 50 inputs (HubSpot/hubspot-api-python#143, activepieces#9359). */
export const BATCH_HISTORY_INPUT_LIMIT = 50;

/** The 400 body for a batch over its limit, or null when the batch is within it. */
export function batchLimitProblem(inputs: number, withHistory: boolean, correlationId: string): HubSpotErrorBody | null {
  if (withHistory && inputs > BATCH_HISTORY_INPUT_LIMIT) {
    return errorBody(
      "VALIDATION_ERROR",
      `The maximum number of inputs supported in a batch request for property histories is ${BATCH_HISTORY_INPUT_LIMIT}. Please reduce the number of items and try again`,
      correlationId,
    );
  }
  if (inputs > BATCH_INPUT_LIMIT) {
    return errorBody("VALIDATION_ERROR", `Batch input limit of ${BATCH_INPUT_LIMIT} exceeded: got ${inputs} inputs`, correlationId);
  }
  return null;
}
