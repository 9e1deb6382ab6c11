export * from './persistence.module.js';
