export * from './organizing-coverage/periods.js';
export * from './organizing-coverage/coverage.projection.js';
export * from './organizing-coverage/coverage.queries.js';
export * from './organizing-coverage/coverage-revisions.js';
export * from './nest/read-models.module.js';
export * from './export/spreadsheets.js';
