import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { SupportedMethod, SupportedMethods, type EmptyMessage } from './protocol.js';

/**
 * The KurrentDB version the endpoint announces. The clients read it as
 * semver (the Rust client behind the kurrentdb client's reads requires
 * digits and dots); 26.1 is the first with v2 AppendRecords, and every
 * release since 23.10 sends `caught_up`, which both Node clients emit as
 * `caughtUp`. Nothing else in either client depends on the number.
 */
export const SERVER_VERSION = '26.1.0';

/**
 * What the endpoint serves, as `/service/method` in lower case as KurrentDB
 * lists them (the Node clients compare lower-cased paths, the Rust client
 * lower-case names). BatchAppend is left out so that appendToStream uses the
 * classic Append; Delete and Tombstone are answered only to refuse them.
 */
const SUPPORTED: ReadonlyArray<readonly [service: string, method: string]> = [
  ['event_store.client.streams.streams', 'read'],
  ['event_store.client.streams.streams', 'append'],
  ['event_store.client.server_features.serverfeatures', 'getsupportedmethods'],
  ['kurrentdb.protocol.v2.streams.streamsservice', 'appendrecords'],
];

/** GetSupportedMethods needs no credentials: the clients ask before they authenticate anything. */
export function getSupportedMethods(_call: ServerUnaryCall<EmptyMessage, SupportedMethods>, callback: sendUnaryData<SupportedMethods>): void {
  const answer = new SupportedMethods().setEventStoreServerVersion(SERVER_VERSION);
  for (const [service, method] of SUPPORTED) answer.addMethods(new SupportedMethod().setServiceName(service).setMethodName(method));
  callback(null, answer);
}
