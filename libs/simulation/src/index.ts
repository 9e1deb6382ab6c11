export * from './district-generator.js';
