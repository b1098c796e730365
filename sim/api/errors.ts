// HubSpot's error bodies, built in one place so every route answers in the same shape.
import type { WriteProblem } from "../portal/types";

export type ErrorCategory = "VALIDATION_ERROR" | "OBJECT_NOT_FOUND" | "INVALID_AUTHENTICATION" | "RATE_LIMIT" | "INTERNAL_ERROR" | "MISSING_SCOPES" | "CONFLICT";

export interface HubSpotErrorBody {
  status: "error";
  message: string;
  correlationId: string;
  category: ErrorCategory;
  errors?: Array<{ message: string; code?: string; context?: Record<string, string[]> }>;
  context?: Record<string, string[]>;
}

export function errorBody(category: ErrorCategory, message: string, correlationId: string, extra: Partial<HubSpotErrorBody> = {}): HubSpotErrorBody {
  return { status: "error", message, correlationId, category, ...extra };
}

export const AUTH_MESSAGE =
  "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";

/** HubSpot's 400 for property problems: a stringified list in `message`, structured copies in `errors`. */
export function validationBody(problems: WriteProblem[], correlationId: string): HubSpotErrorBody {
  const details = problems.map((p) => ({ isValid: false, message: p.message, error: p.code, name: p.name, localizedErrorMessage: p.message }));
  return errorBody("VALIDATION_ERROR", `Property values were not valid: ${JSON.stringify(details)}`, correlationId, {
    errors: problems.map((p) => ({ message: p.message, code: p.code, context: { propertyName: [p.name] } })),
  });
}

export function notFoundBody(id: string, correlationId: string): HubSpotErrorBody {
  return errorBody("OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.", correlationId, { context: { id: [id] } });
}
