import type { Direction, RecordedEvent } from '#event-store';
import { invalidArgument } from './errors.js';
import { streamIdOf, type UuidFormat } from './events-as-records.js';
import { ReadReq, type ReadReqOptions } from './protocol.js';

/** Where a stream read starts: its first or last event, or a revision (inclusive). */
export type StreamFrom = 'start' | 'end' | number;
/** Where a read of `$all` starts: the log's start or end, or a position (the commit position of an event). */
export type AllFrom = 'start' | 'end' | bigint;

export type ReadTarget = { readonly kind: 'stream'; readonly streamId: string; readonly from: StreamFrom } | { readonly kind: 'all'; readonly from: AllFrom };

export interface EventFilter {
  matches(event: RecordedEvent): boolean;
  /** A subscription sends a checkpoint after this many events of the log have passed it. */
  readonly checkpointInterval: number;
}

/** A ReadReq's options, checked and in the store's terms. */
export interface ReadRequest {
  readonly target: ReadTarget;
  readonly direction: Direction;
  /** The most events to answer; undefined for a subscription (which never ends by itself). */
  readonly count: number | undefined;
  readonly filter: EventFilter | undefined;
  readonly uuid: UuidFormat;
}

/** KurrentDB's default search window when the filter names none. */
const DEFAULT_FILTER_WINDOW = 32;
const MAX_REGEX_LENGTH = 1_000;
const MAX_POSITION = 2n ** 63n - 1n;

export function readRequestOf(request: ReadReq): ReadRequest {
  const options = request.getOptions();
  if (!options) throw invalidArgument('a read needs its options');
  return {
    target: targetOf(options),
    direction: options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS ? 'backwards' : 'forwards',
    count: options.hasSubscription() ? undefined : Number(clamp(BigInt(options.getCount() || '0'), BigInt(Number.MAX_SAFE_INTEGER))),
    filter: options.hasFilter() ? filterOf(options.getFilter()!) : undefined,
    uuid: options.getUuidOption()?.hasStructured() ? 'structured' : 'string',
  };
}

function targetOf(options: ReadReqOptions): ReadTarget {
  if (options.hasStream()) {
    const stream = options.getStream()!;
    const streamId = streamIdOf(stream.getStreamIdentifier());
    if (!streamId) throw invalidArgument('a stream read names its stream');
    const from = stream.hasRevision() ? Number(clamp(BigInt(stream.getRevision()), BigInt(Number.MAX_SAFE_INTEGER))) : stream.hasEnd() ? 'end' : 'start';
    return { kind: 'stream', streamId, from };
  }
  if (options.hasAll()) {
    const all = options.getAll()!;
    // The log has one position per event: the commit position names it (the prepare position is the same).
    const from = all.hasPosition() ? clamp(BigInt(all.getPosition()!.getCommitPosition()), MAX_POSITION) : all.hasEnd() ? 'end' : 'start';
    return { kind: 'all', from };
  }
  throw invalidArgument('a read names a stream or $all');
}

type FilterOptions = InstanceType<typeof ReadReq.Options.FilterOptions>;

function filterOf(options: FilterOptions): EventFilter {
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  const test = expressionTest(expression?.getRegex() ?? '', expression?.getPrefixList() ?? []);
  const window = options.hasMax() && options.getMax() > 0 ? options.getMax() : DEFAULT_FILTER_WINDOW;
  return {
    matches: onStream ? (event) => test(event.streamId) : (event) => test(event.type),
    checkpointInterval: window * Math.max(1, options.getCheckpointintervalmultiplier()),
  };
}

function expressionTest(regex: string, prefixes: readonly string[]): (value: string) => boolean {
  if (regex) {
    if (regex.length > MAX_REGEX_LENGTH) throw invalidArgument(`a filter's regular expression is at most ${MAX_REGEX_LENGTH} characters`);
    let pattern: RegExp;
    try {
      pattern = new RegExp(regex);
    } catch {
      throw invalidArgument("the filter's regular expression is not valid");
    }
    return (value) => pattern.test(value);
  }
  if (prefixes.length) return (value) => prefixes.some((prefix) => value.startsWith(prefix));
  return () => true;
}

function clamp(value: bigint, max: bigint): bigint {
  return value > max ? max : value < 0n ? 0n : value;
}
