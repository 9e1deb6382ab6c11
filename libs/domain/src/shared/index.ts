export * from './domain-error.js';
export * from './dates.js';
export * from './credit-code.js';
export * from './resident-id.js';
export * from './as-of.js';
