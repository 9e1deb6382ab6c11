export * from './event-store.port.js';
export * from './errors.js';
export { KyselyEventStore } from './kysely-event-store.js';
export { MAX_EVENTS_PER_APPEND, validateAppend, matches as expectedStateHolds } from './validate-append.js';
export * from './verify-chain.js';
export * from './stream-reads.js';
export * from './anchors.js';
export * from './chain-verifications.js';
