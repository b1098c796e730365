import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig, defineProject } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  test: {
    // One HubSpot simulator for the run; its URL is provided as "simUrl" (and SIM_URL in workerd).
    globalSetup: ["./test/global-setup.ts"],
    projects: [
      // Worker code, inside workerd with a real local D1 and queue.
      defineProject({
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            main: "./src/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(path.join(root, "migrations")),
                HUBSPOT_CLIENT_SECRET: "test-client-secret",
                HUBSPOT_ACCESS_TOKEN: "test-access-token",
                HUBSPOT_APP_ID: "9393361",
                SIM_URL: inject("simUrl"),
                FC_SEED: process.env.FC_SEED ?? "",
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/worker/**/*.test.ts"],
          setupFiles: ["./test/worker/setup.ts"],
        },
      }),
      // Node-only tools: simulator, CLIs, browser tests.
      defineProject({
        test: {
          name: "node",
          environment: "node",
          include: ["sim/**/*.test.ts", "tools/**/*.test.ts", "test/node/**/*.test.ts"],
          // These talk to real local servers (the simulator, wrangler dev, Chromium) on a 2-core CI machine: the
          // timeout only guards against hangs; no test asserts on speed.
          testTimeout: 30_000,
          setupFiles: ["./test/node/setup.ts"],
        },
      }),
    ],
  },
});
