export * from './event-store.port.js';
export * from './errors.js';
export { KyselyEventStore, EVENTS_PER_TRANSACTION, MAX_EVENTS_PER_APPEND } from './kysely-event-store.js';
