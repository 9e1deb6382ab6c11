export * from './command-keys.js';
export * from './command-lines.js';
export * from './import-tally.js';
export * from './import-ndjson.js';
