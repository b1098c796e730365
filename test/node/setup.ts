// Seeds the property tests of the node project (see test/fast-check-seed.ts).
import { seedPropertyTests } from "../fast-check-seed";

seedPropertyTests(process.env.FC_SEED);
