// Back-tests over the demo history judged live in enforce mode: the engine reverted skips and backward moves, so the
// history holds its reverts (stage entries no recorded change stands for), and the back-test still equals what it
// recorded. See demo-suite.ts.
import { describeDemoBacktest } from "./demo-suite";

describeDemoBacktest("back-test over the demo history (shipped set, enforce)", { POLICY_MODE_OVERRIDE: "enforce" }, { expectReverts: true });
