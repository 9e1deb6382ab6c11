export * from './config.js';
export * from './database.js';
export * from './migrate.js';
export * from './read-replicas.js';
export { grantApplicationRole } from './roles.js';
export { PGliteDialect } from './pglite-dialect.js';

export * from './schema/index.js';
