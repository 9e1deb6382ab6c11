export * from './db.js';
export * from './columns.js';
export { jsonb } from './jsonb.js';
