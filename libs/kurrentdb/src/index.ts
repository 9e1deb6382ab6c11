export * from './record-format.js';
export * from './endpoint/log-access.js';
export { openEventStore, withoutCredentials, type OpenedEventStore } from './store/open-event-store.js';
export { KurrentEventStore } from './store/kurrent-event-store.js';
export { LogMirror } from './store/log-mirror.js';
