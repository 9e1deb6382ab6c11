export * from './tokens.js';
export * from './token-registry.js';
export * from './personal-data-reads.js';
export * from './admin-channel.js';
export * from './token-requests.js';
