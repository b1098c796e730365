// Applies the D1 migrations before each test file (storage is isolated per file), and seeds the property tests.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { seedPropertyTests } from "../fast-check-seed";

seedPropertyTests(env.FC_SEED);

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
