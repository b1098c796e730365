// Types for `cloudflare:workers` env/exports inside the test pool.
import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** The test run's HubSpot simulator (test/global-setup.ts); create an isolated portal on it per test file. */
      SIM_URL: string;
      /** FC_SEED from the environment ("" = the suite's fixed seed): see test/fast-check-seed.ts. */
      FC_SEED: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../../src/index");
    }
  }
}
