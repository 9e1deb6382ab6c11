export * from './history.js';
export * from './load-history.js';
