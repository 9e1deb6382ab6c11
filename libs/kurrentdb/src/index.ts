export * from './record-format.js';
export * from './endpoint/log-access.js';
export { startKurrentEndpoint, type KurrentEndpoint, type KurrentEndpointOptions } from './endpoint/server.js';
export { SERVER_VERSION as KURRENT_ENDPOINT_SERVER_VERSION } from './endpoint/server-features.js';
export type { EndpointLogger } from './endpoint/errors.js';
export { openEventStore, withoutCredentials, type OpenedEventStore } from './store/open-event-store.js';
export { KurrentEventStore } from './store/kurrent-event-store.js';
export { LogMirror } from './store/log-mirror.js';
export type { CopyComparison } from './store/compare-copy.js';
