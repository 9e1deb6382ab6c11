export * from './projection.js';
export * from './projection-runner.js';
export * from './checkpoints.js';
export * from './fold.js';
export * from './rebuild.js';
export * from './compare.js';
export * from './failures.js';
export * from './status.js';
