export * from './organizing-coverage/periods.js';
export * from './organizing-coverage/coverage-rows.js';
export * from './organizing-coverage/coverage.projection.js';
export * from './organizing-coverage/coverage.queries.js';
export * from './organizing-coverage/coverage-revisions.js';

export * from './export/spreadsheets.js';
export * from './organizing-work/organizing.projection.js';
export * from './organizing-work/campaign-progress.js';
export * from './organizing-work/ceremony-compliance.js';
export * from './organizing-work/outreach.js';
export * from './organizing-work/target-gap.js';
export * from './organizing-coverage/membership-counts.js';
export * from './organizing-coverage/coverage-answer.js';
export * from './all-projections.js';
