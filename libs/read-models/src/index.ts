export * from './coverage/periods.js';
export * from './coverage/coverage.projection.js';
export * from './coverage/coverage.queries.js';
export * from './nest/read-models.module.js';
export * from './export/spreadsheets.js';
