export * from './event-store.port.js';
export * from './errors.js';
export { KyselyEventStore, MAX_EVENTS_PER_APPEND } from './kysely-event-store.js';
export * from './verify-chain.js';
export * from './stream-reads.js';
