import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
// The older client first: both clients register their generated protobuf classes in one global namespace,
// and the last loaded win; the newer's are a superset (caught_up's timestamp…), the older's are not.
import * as esdb from '@eventstore/db-client';
import * as kurrent from '@kurrent/kurrentdb-client';
import { KyselyEventStore } from '#event-store';
import type { TestDatabase } from '../../../test/support/databases.js';
import { makeCertificates, type Certificates } from '../../../test/support/throwaway-certificates.js';
import { startKurrentEndpoint, type KurrentEndpoint, type LogAccess, type LogCaller } from '../src/index.js';

/**
 * The KurrentDB-compatible endpoint, exercised with the two official Node
 * clients, unmodified, over TLS (they send credentials over TLS only).
 */

// ---- who may do what: a fixed table of name/token → caller ----

const EVERYTHING: LogCaller = { reads: true, canSee: async () => true, appendRefusal: () => undefined };
/** Reads what is not `hidden-…`, appends nothing. */
const READER: LogCaller = {
  reads: true,
  canSee: async (streamId) => !streamId.startsWith('hidden-'),
  appendRefusal: () => 'a reader records nothing',
};
const NO_READS: LogCaller = { reads: false, canSee: async () => false, appendRefusal: () => 'not allowed' };

const CALLERS: Record<string, { token: string; caller: LogCaller }> = {
  admin: { token: 'admin-token', caller: EVERYTHING },
  reader: { token: 'reader-token', caller: READER },
  outsider: { token: 'outsider-token', caller: NO_READS },
};

export const tableAccess: LogAccess = {
  authenticate: async (credentials) => {
    const entry = credentials ? CALLERS[credentials.username] : undefined;
    return entry && entry.token === credentials?.password ? entry.caller : undefined;
  },
};

// ---- the two clients behind one shape (their APIs differ in a few names) ----

interface ReadRecord {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created: Date;
  readonly position?: { readonly commit: bigint; readonly prepare: bigint };
}
interface Resolved {
  readonly event?: ReadRecord;
}
type Position = { commit: bigint; prepare: bigint };
type Filter = kurrent.Filter;

interface Subscription extends AsyncIterable<Resolved> {
  on(event: 'data', listener: (resolved: Resolved) => void): unknown;
  on(event: 'caughtUp' | 'confirmation', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  unsubscribe(): Promise<void>;
}

/** What the tests ask of a client: the methods both share, typed loosely enough for either. */
interface LogClient {
  readStream(stream: string, options?: { fromRevision?: bigint | 'start' | 'end'; direction?: 'forwards' | 'backwards'; maxCount?: number }): AsyncIterable<Resolved>;
  readAll(options?: { fromPosition?: Position | 'start' | 'end'; direction?: 'forwards' | 'backwards'; maxCount?: number; filter?: Filter }): AsyncIterable<Resolved>;
  subscribeToAll(options?: { fromPosition?: Position | 'start' | 'end'; filter?: Filter }): Subscription;
  subscribeToStream(stream: string, options?: { fromRevision?: bigint | 'start' | 'end' }): Subscription;
  deleteStream(stream: string): Promise<unknown>;
  tombstoneStream(stream: string): Promise<unknown>;
  dispose(): Promise<void>;
}

type ExpectedState = 'any' | 'no_stream' | 'stream_exists' | bigint;
interface AppendOutcome {
  readonly nextExpectedRevision: bigint;
  readonly position?: Position;
}
interface NewRecord {
  readonly id?: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata?: Record<string, unknown>;
}

export interface Driver {
  readonly name: string;
  readonly scheme: 'esdb' | 'kurrentdb';
  connect(url: string): LogClient;
  append(client: LogClient, stream: string, records: readonly NewRecord[], expected: ExpectedState): Promise<AppendOutcome>;
  appendBinary(client: LogClient, stream: string): Promise<unknown>;
  readonly WrongExpectedVersionError: new (...args: never[]) => Error;
  readonly StreamNotFoundError: new (...args: never[]) => Error;
  readonly AccessDeniedError: new (...args: never[]) => Error;
  readonly UnknownError: new (...args: never[]) => Error;
  /** The actual revision a WrongExpectedVersionError reports. */
  actualRevision(error: unknown): bigint | 'no_stream';
  /** Whether its readAll takes a filter (the older client filters subscriptions only). */
  readonly filtersReads: boolean;
  streamNameFilter(prefixes: string[], window?: { maxSearchWindow: number; checkpointReached: (position: Position) => void }): Filter;
  excludeSystemEvents(): Filter;
}

export const eventstoreDbClient: Driver = {
  name: '@eventstore/db-client',
  scheme: 'esdb',
  connect: (url) => esdb.EventStoreDBClient.connectionString(url) as unknown as LogClient,
  append: (client, stream, records, expected) =>
    (client as unknown as esdb.EventStoreDBClient).appendToStream(stream, records.map((r) => esdb.jsonEvent(r)), { expectedRevision: expected }),
  appendBinary: (client, stream) =>
    (client as unknown as esdb.EventStoreDBClient).appendToStream(stream, esdb.binaryEvent({ type: 'Blob', data: new Uint8Array([1, 2, 3]) })),
  WrongExpectedVersionError: esdb.WrongExpectedVersionError,
  StreamNotFoundError: esdb.StreamNotFoundError,
  AccessDeniedError: esdb.AccessDeniedError,
  UnknownError: esdb.UnknownError,
  actualRevision: (error) => (error as esdb.WrongExpectedVersionError).actualVersion,
  filtersReads: false,
  streamNameFilter: (prefixes, window) =>
    esdb.streamNameFilter({ prefixes, ...(window && { maxSearchWindow: window.maxSearchWindow, checkpointReached: (_, position) => window.checkpointReached(position) }) }) as unknown as Filter,
  excludeSystemEvents: () => esdb.excludeSystemEvents() as unknown as Filter,
};

export const kurrentDbClient: Driver = {
  name: '@kurrent/kurrentdb-client',
  scheme: 'kurrentdb',
  connect: (url) => kurrent.KurrentDBClient.connectionString(url) as unknown as LogClient,
  append: (client, stream, records, expected) =>
    (client as unknown as kurrent.KurrentDBClient).appendToStream(stream, records.map((r) => kurrent.jsonEvent(r)), { streamState: expected }),
  appendBinary: (client, stream) =>
    (client as unknown as kurrent.KurrentDBClient).appendToStream(stream, kurrent.binaryEvent({ type: 'Blob', data: new Uint8Array([1, 2, 3]) })),
  WrongExpectedVersionError: kurrent.WrongExpectedVersionError,
  StreamNotFoundError: kurrent.StreamNotFoundError,
  AccessDeniedError: kurrent.AccessDeniedError,
  UnknownError: kurrent.UnknownError,
  actualRevision: (error) => (error as kurrent.WrongExpectedVersionError).actualState,
  filtersReads: true,
  streamNameFilter: (prefixes, window) =>
    kurrent.streamNameFilter({ prefixes, ...(window && { maxSearchWindow: window.maxSearchWindow, checkpointReached: (_, position) => window.checkpointReached(position) }) }),
  excludeSystemEvents: () => kurrent.excludeSystemEvents(),
};

export const DRIVERS = [eventstoreDbClient, kurrentDbClient];

// ---- helpers ----

export async function collect(reads: AsyncIterable<Resolved>): Promise<ReadRecord[]> {
  const records: ReadRecord[] = [];
  for await (const resolved of reads) if (resolved.event) records.push(resolved.event);
  return records;
}

/** What a subscription delivered, in order, with its caught-up signal in its place. */
export function record(subscription: Subscription): Array<ReadRecord | 'caughtUp'> {
  const log: Array<ReadRecord | 'caughtUp'> = [];
  subscription.on('data', (resolved) => resolved.event && log.push(resolved.event));
  subscription.on('caughtUp', () => log.push('caughtUp'));
  subscription.on('error', () => undefined);
  return log;
}

export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The events of a log as "stream:type" (or the caught-up signal). */
const described = (log: ReadonlyArray<ReadRecord | 'caughtUp'>, streams: readonly string[]) =>
  log.flatMap((entry) => (entry === 'caughtUp' ? ['caughtUp'] : streams.includes(entry.streamId) ? [`${streams.indexOf(entry.streamId)}:${entry.type}`] : []));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal, got an answer');
}

// ---- the suite ----

/**
 * The endpoint on a store of the given database, exercised with both
 * clients. One database and one endpoint per file: each test works on its
 * own streams.
 */
export function endpointSuite(createDatabase: () => Promise<TestDatabase>): void {
  let database: TestDatabase;
  let certificates: Certificates;
  let endpoint: KurrentEndpoint;
  let store: KyselyEventStore;
  const warnings: string[] = [];

  beforeAll(async () => {
    [database, certificates] = await Promise.all([createDatabase(), makeCertificates()]);
    store = new KyselyEventStore(database.db);
    endpoint = await startKurrentEndpoint({
      store,
      access: tableAccess,
      port: 0,
      tls: { cert: certificates.cert, key: certificates.key },
      logger: { log: () => undefined, warn: (message) => warnings.push(message) },
    });
  });
  afterAll(async () => {
    await endpoint?.close();
    await database?.close();
    await rm(certificates.dir, { recursive: true, force: true });
  });
  afterEach(() => expect(warnings).toEqual([]));

  const url = (scheme: string, userInfo: string) => `${scheme}://${userInfo}localhost:${endpoint.port}?tls=true&tlsCAFile=${encodeURIComponent(certificates.caFile)}`;

  describe.each(DRIVERS)('with $name', (driver) => {
    let admin: LogClient;
    const connect = (userInfo: string) => driver.connect(url(driver.scheme, userInfo));
    const others: LogClient[] = [];
    const connectAs = (userInfo: string) => {
      const client = connect(userInfo);
      others.push(client);
      return client;
    };
    const stream = (kind = 'enterprise') => `${kind}-${randomUUID()}`;
    const event = (type: string, data: Record<string, unknown> = {}, metadata?: Record<string, unknown>): NewRecord => ({ type, data, ...(metadata ? { metadata } : {}) });

    beforeAll(() => {
      admin = connect('admin:admin-token@');
    });
    afterAll(async () => {
      await Promise.all([admin, ...others].map((client) => client.dispose()));
    });

    describe('appending with an expected state', () => {
      it('creates a stream expected not to exist, and refuses the same expectation once it does, naming its actual revision', async () => {
        const id = stream();
        const created = await driver.append(admin, id, [event('Registered'), event('Renamed')], 'no_stream');
        expect(created.nextExpectedRevision).toBe(1n);
        expect(created.position?.commit).toBe(created.position?.prepare);

        const refused = await rejection(driver.append(admin, id, [event('Registered')], 'no_stream'));
        expect(refused).toBeInstanceOf(driver.WrongExpectedVersionError);
        expect(driver.actualRevision(refused)).toBe(1n);
      });

      it('appends at the expected revision, and refuses a stale one with the actual revision', async () => {
        const id = stream();
        await driver.append(admin, id, [event('Registered')], 'no_stream');
        expect((await driver.append(admin, id, [event('Renamed')], 0n)).nextExpectedRevision).toBe(1n);

        const refused = await rejection(driver.append(admin, id, [event('Renamed')], 0n));
        expect(refused).toBeInstanceOf(driver.WrongExpectedVersionError);
        expect(driver.actualRevision(refused)).toBe(1n);
      });

      it('appends to an existing stream when it must exist, and refuses when it does not', async () => {
        const id = stream();
        const refused = await rejection(driver.append(admin, id, [event('Renamed')], 'stream_exists'));
        expect(refused).toBeInstanceOf(driver.WrongExpectedVersionError);
        expect(driver.actualRevision(refused)).toBe('no_stream');

        await driver.append(admin, id, [event('Registered')], 'any');
        expect((await driver.append(admin, id, [event('Renamed')], 'stream_exists')).nextExpectedRevision).toBe(1n);
      });

      it('takes a retry of an append (the same event ids) as done, recording nothing twice', async () => {
        const id = stream();
        const records = [{ ...event('Registered'), id: randomUUID() }, { ...event('Renamed'), id: randomUUID() }];
        const first = await driver.append(admin, id, records, 'no_stream');
        const retry = await driver.append(admin, id, records, 'no_stream');
        expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect((await collect(admin.readStream(id))).map((e) => e.id)).toEqual(records.map((r) => r.id));
      });

      it('refuses data that is not JSON, saying so', async () => {
        const refused = await rejection(driver.appendBinary(admin, stream()));
        expect(refused).toBeInstanceOf(driver.UnknownError);
        expect((refused as Error).message).toContain('only application/json events are taken');
      });
    });

    describe('reading a stream', () => {
      it('reads it forwards and backwards, as it was appended', async () => {
        const id = stream();
        const metadata = { actor: 'organiser-7', correlationId: randomUUID() };
        await driver.append(admin, id, [event('Registered', { name: 'Acme' }, metadata), event('Renamed', { name: 'Acme Ltd' }), event('Closed')], 'no_stream');

        const forwards = await collect(admin.readStream(id));
        expect(forwards.map((e) => [e.revision, e.type, e.data])).toEqual([
          [0n, 'Registered', { name: 'Acme' }],
          [1n, 'Renamed', { name: 'Acme Ltd' }],
          [2n, 'Closed', {}],
        ]);
        expect(forwards[0]).toMatchObject({ streamId: id, metadata });
        expect(forwards[1]!.metadata).toBeUndefined();
        expect(Math.abs(forwards[0]!.created.getTime() - Date.now())).toBeLessThan(60_000);

        const backwards = await collect(admin.readStream(id, { direction: 'backwards', fromRevision: 'end', maxCount: 2 }));
        expect(backwards.map((e) => e.type)).toEqual(['Closed', 'Renamed']);
        const fromRevision = await collect(admin.readStream(id, { fromRevision: 1n }));
        expect(fromRevision.map((e) => e.type)).toEqual(['Renamed', 'Closed']);
      });

      it('answers StreamNotFoundError for a stream with no events', async () => {
        await expect(collect(admin.readStream(stream()))).rejects.toBeInstanceOf(driver.StreamNotFoundError);
      });
    });

    describe('reading $all', () => {
      it('reads from a position (the event at it included), and backwards from the end', async () => {
        const [a, b] = [stream(), stream()];
        await driver.append(admin, a, [event('First')], 'no_stream');
        const second = await driver.append(admin, b, [event('Second')], 'no_stream');
        await driver.append(admin, a, [event('Third')], 0n);

        const fromSecond = await collect(admin.readAll({ fromPosition: second.position!, maxCount: 10 }));
        expect(fromSecond.map((e) => e.type)).toEqual(['Second', 'Third']);
        expect(fromSecond[0]!.position).toEqual(second.position);

        const latest = await collect(admin.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 2 }));
        expect(latest.map((e) => e.type)).toEqual(['Third', 'Second']);
      });

      // The older client's readAll takes no filter (it filters subscriptions only).
      if (driver.filtersReads) it('reads through a filter on stream names', async () => {
        const prefix = `filtered-${randomUUID()}`;
        await driver.append(admin, `${prefix}-a`, [event('Kept')], 'no_stream');
        await driver.append(admin, stream(), [event('Passed over')], 'no_stream');
        await driver.append(admin, `${prefix}-b`, [event('Kept too')], 'no_stream');

        const read = await collect(admin.readAll({ filter: driver.streamNameFilter([prefix]) }));
        expect(read.map((e) => e.type)).toEqual(['Kept', 'Kept too']);
      });
    });

    describe('subscribing', () => {
      it('to $all from a position: the events after it, caught up, then later appends in order and exactly once', async () => {
        const [a, b] = [stream(), stream()];
        const before = await driver.append(admin, a, [event('Before')], 'no_stream');
        await driver.append(admin, a, [event('History')], 0n);

        const subscription = admin.subscribeToAll({ fromPosition: before.position!, filter: driver.excludeSystemEvents() });
        const log = record(subscription);
        await until(() => log.includes('caughtUp'), 'caught up');
        await driver.append(admin, b, [event('Live 1'), event('Live 2')], 'no_stream');
        await driver.append(admin, a, [event('Live 3')], 1n);
        await until(() => described(log, [a, b]).includes('0:Live 3'), 'the live events');
        await sleep(200);
        await subscription.unsubscribe();

        expect(described(log, [a, b])).toEqual(['0:History', 'caughtUp', '1:Live 1', '1:Live 2', '0:Live 3']);
      });

      it('to $all through a filter: the matching events, and a checkpoint every search window of the log', async () => {
        const prefix = `filtered-${randomUUID()}`;
        const start = await driver.append(admin, stream(), [event('Before')], 'no_stream');
        const checkpoints: bigint[] = [];
        const subscription = admin.subscribeToAll({
          fromPosition: start.position!,
          filter: driver.streamNameFilter([prefix], { maxSearchWindow: 2, checkpointReached: (position) => void checkpoints.push(position.commit) }),
        });
        const log = record(subscription);
        await until(() => log.includes('caughtUp'), 'caught up');
        const positions: bigint[] = [];
        for (const [id, type] of [[`${prefix}-a`, 'Kept'], [stream(), 'Passed over'], [stream(), 'Passed over'], [`${prefix}-b`, 'Kept too']] as const) {
          positions.push((await driver.append(admin, id, [event(type)], 'any')).position!.commit);
        }
        await until(() => checkpoints.length === 2, 'two checkpoints');
        await subscription.unsubscribe();

        expect(log.map((entry) => (entry === 'caughtUp' ? entry : entry.type))).toEqual(['caughtUp', 'Kept', 'Kept too']);
        expect(checkpoints).toEqual([positions[1], positions[3]]);
      });

      it('to one stream from a revision: the events after it, caught up, then later ones', async () => {
        const watched = stream();
        await driver.append(admin, watched, [event('Registered'), event('Renamed'), event('Moved')], 'no_stream');

        const subscription = admin.subscribeToStream(watched, { fromRevision: 1n });
        const log = record(subscription);
        await until(() => log.includes('caughtUp'), 'caught up');
        await driver.append(admin, watched, [event('Closed')], 2n);
        await until(() => described(log, [watched]).includes('0:Closed'), 'the live event');
        await subscription.unsubscribe();

        expect(described(log, [watched])).toEqual(['0:Moved', 'caughtUp', '0:Closed']);
      });

      it('to one stream: its history, caught up, then its later events only', async () => {
        const [watched, other] = [stream(), stream()];
        await driver.append(admin, watched, [event('Registered')], 'no_stream');

        const subscription = admin.subscribeToStream(watched, { fromRevision: 'start' });
        const log = record(subscription);
        await until(() => log.includes('caughtUp'), 'caught up');
        await driver.append(admin, other, [event('Elsewhere')], 'no_stream');
        await driver.append(admin, watched, [event('Renamed')], 0n);
        await until(() => described(log, [watched]).includes('0:Renamed'), 'the live event');
        await sleep(200);
        await subscription.unsubscribe();

        expect(described(log, [watched, other])).toEqual(['0:Registered', 'caughtUp', '0:Renamed']);
      });
    });

    describe('credentials and scope', () => {
      it('refuses a wrong token and a missing credential', async () => {
        const id = stream();
        await driver.append(admin, id, [event('Registered')], 'no_stream');
        await expect(collect(connectAs('admin:wrong-token@').readStream(id))).rejects.toBeInstanceOf(driver.AccessDeniedError);
        await expect(driver.append(connectAs('admin:wrong-token@'), id, [event('Renamed')], 'any')).rejects.toBeInstanceOf(driver.AccessDeniedError);
        await expect(collect(connectAs('').readStream(id))).rejects.toBeInstanceOf(driver.AccessDeniedError);
      });

      it('refuses every read to a caller that may not read the log', async () => {
        const outsider = connectAs('outsider:outsider-token@');
        await expect(collect(outsider.readAll({ maxCount: 1 }))).rejects.toBeInstanceOf(driver.AccessDeniedError);
        const subscription = outsider.subscribeToAll();
        const refused = new Promise((resolve) => subscription.on('error', resolve));
        await expect(refused).resolves.toBeInstanceOf(driver.AccessDeniedError);
      });

      it("refuses a read of a stream outside the caller's scope, and passes over its events in $all", async () => {
        const [hidden, visible] = [stream('hidden'), stream()];
        const first = await driver.append(admin, visible, [event('Seen')], 'no_stream');
        await driver.append(admin, hidden, [event('Unseen')], 'no_stream');
        await driver.append(admin, visible, [event('Seen again')], 0n);

        const reader = connectAs('reader:reader-token@');
        await expect(collect(reader.readStream(hidden))).rejects.toBeInstanceOf(driver.AccessDeniedError);
        const all = await collect(reader.readAll({ fromPosition: first.position! }));
        expect(all.map((e) => e.type)).toEqual(['Seen', 'Seen again']);
      });

      it('refuses an append the access refuses', async () => {
        await expect(driver.append(connectAs('reader:reader-token@'), stream(), [event('Registered')], 'any')).rejects.toBeInstanceOf(driver.AccessDeniedError);
      });

      it('refuses to delete or tombstone a stream: the log is append-only', async () => {
        const id = stream();
        await driver.append(admin, id, [event('Registered')], 'no_stream');
        await expect(admin.deleteStream(id)).rejects.toBeInstanceOf(driver.AccessDeniedError);
        await expect(admin.tombstoneStream(id)).rejects.toBeInstanceOf(driver.AccessDeniedError);
        expect(await collect(admin.readStream(id))).toHaveLength(1);
      });
    });
  });

  describe('appendRecords (v2, with @kurrent/kurrentdb-client)', () => {
    let client: kurrent.KurrentDBClient;
    let reader: kurrent.KurrentDBClient;
    const record = (streamName: string, type: string, metadata?: Record<string, string>): kurrent.AppendRecordInput => ({
      streamName,
      record: kurrent.jsonEvent({ type, data: { type }, ...(metadata ? { metadata } : {}) }),
    });
    const check = (streamName: string, expectedState: kurrent.AppendStreamState): kurrent.ConsistencyCheck => ({ type: kurrent.STREAM_STATE, streamName, expectedState });
    const types = async (streamName: string) => (await collect(client.readStream(streamName))).map((e) => e.type);

    beforeAll(() => {
      client = kurrent.KurrentDBClient.connectionString(url('kurrentdb', 'admin:admin-token@'));
      reader = kurrent.KurrentDBClient.connectionString(url('kurrentdb', 'reader:reader-token@'));
    });
    afterAll(() => Promise.all([client.dispose(), reader.dispose()]));

    it("writes records across streams in the given order when every check holds, answering each stream's revision", async () => {
      const [a, b, checked] = [`a-${randomUUID()}`, `b-${randomUUID()}`, `checked-${randomUUID()}`];
      await client.appendToStream(checked, kurrent.jsonEvent({ type: 'Registered', data: {} }));

      const result = await client.appendRecords(
        [record(a, 'First', { actor: 'organiser-7' }), record(b, 'Second'), record(a, 'Third')],
        [check(a, kurrent.NO_STREAM), check(checked, 0n)],
      );

      expect(result.responses.map((r) => [r.streamName, r.revision]).sort()).toEqual([
        [a, 1n],
        [b, 0n],
      ]);
      const written = (await collect(client.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 3 }))).reverse();
      expect(written.map((e) => [e.streamId, e.type])).toEqual([
        [a, 'First'],
        [b, 'Second'],
        [a, 'Third'],
      ]);
      expect(written[2]!.position?.commit).toBe(result.position);
      expect(written[0]!.metadata).toEqual({ actor: 'organiser-7' });
      expect(await types(checked)).toEqual(['Registered']);
    });

    it("writes nothing when a check fails, naming each failed check with its stream's actual state", async () => {
      const [a, checked] = [`a-${randomUUID()}`, `checked-${randomUUID()}`];
      await client.appendToStream(a, kurrent.jsonEvent({ type: 'Registered', data: {} }));
      await client.appendToStream(checked, kurrent.jsonEvent({ type: 'Registered', data: {} }));

      const refused = await rejection(client.appendRecords([record(a, 'Renamed')], [check(a, 5n), check(checked, kurrent.NO_STREAM), check(checked, kurrent.NO_STREAM)]));

      expect(refused).toBeInstanceOf(kurrent.AppendConsistencyViolationError);
      expect((refused as kurrent.AppendConsistencyViolationError).violations).toEqual([
        { checkIndex: 0, streamName: a, expectedState: 5n, actualState: 0n },
        { checkIndex: 1, streamName: checked, expectedState: 'no_stream', actualState: 0n },
        { checkIndex: 2, streamName: checked, expectedState: 'no_stream', actualState: 0n },
      ]);
      expect(await types(a)).toEqual(['Registered']);
    });

    it('refuses records for a stream the access refuses', async () => {
      await expect(reader.appendRecords([record(`a-${randomUUID()}`, 'Registered')])).rejects.toBeInstanceOf(kurrent.AccessDeniedError);
    });
  });
}
