export * from './access.module.js';
