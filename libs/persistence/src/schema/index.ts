export * from './db.js';
export * from './columns.js';
export { jsonb } from './jsonb.js';
export * from './event-log.sql.js';
export * from './functions.sql.js';
export * from './projections.sql.js';
export * from './read-models.sql.js';
export * from './policies.sql.js';
export * from './schema.js';
