export * from './shared/index.js';
export * from './area/area.js';
export * from './enterprise/enterprise.js';
export * from './enterprise/coverage-status.js';
export * from './union/union.js';
export * from './membership/index.js';
export * from './campaign/campaign.js';
export * from './campaign/occupations.js';
