// Rate limits and fault injection for the simulated CRM API. Applies only to /crm routes, never to /_sim.
export { RateLimiter, type LimitDecision } from "./rate-limit";
export { decideFault, faultBody, type FaultDecision } from "./faults";
