export { computePlan, DELIVERIES } from './plan.js';
export type { Delivery, Plan, PlanInput, PlanRow } from './plan.js';
export { DEFAULT_BEHAVIOUR, DEFAULT_CAPACITIES } from './capacities.js';
export type { Behaviour, Capacities, Figure } from './capacities.js';
export { measuredCapacities } from './measured.js';
export { renderPlan } from './render.js';
export { checkTarget } from './check-target.js';
export type { TargetCheck } from './check-target.js';
