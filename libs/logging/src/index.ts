export * from './safe-error.js';
