// Back-tests over the demo history judged live with the shipped policies as written (audit): see demo-suite.ts.
import { describeDemoBacktest } from "./demo-suite";

describeDemoBacktest("back-test over the demo history (shipped set, audit)");
