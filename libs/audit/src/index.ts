export * from './entities.js';
export * from './entries.js';
export * from './describe-event.js';
export * from './as-of/enterprise.js';
export * from './as-of/member.js';
export * from './as-of/union.js';
export * from './as-of/campaign.js';
export * from './history.js';
export * from './load-history.js';
// The contract's size bands, as the history's enterprise state reports them (libs/domain).
export { bandOf, type Band } from '#domain';
