// The version /healthz reports. Kept equal to package.json's by test/node/version.test.ts (a JSON import would
// bundle the whole package.json into the Worker).
export const VERSION = "0.1.0";
