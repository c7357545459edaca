/** Nest's injection tokens of the scheduler's providers, apart from the classes so that providers may import them without a cycle. */
export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');
export const LOGGER = Symbol('LOGGER');
