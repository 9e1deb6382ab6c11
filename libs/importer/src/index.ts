export * from './command-keys.js';
export * from './import-ndjson.js';
