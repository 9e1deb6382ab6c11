export * from './read-models.module.js';
