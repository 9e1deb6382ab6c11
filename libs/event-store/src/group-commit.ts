import { EventIdConflictError, WrongExpectedRevisionError } from './errors.js';
import type { AppendResult, BatchEvent, BatchStream, StreamAppend } from './event-store.port.js';

/** Events one group commit takes at most. */
const GROUP_EVENTS = 5000;

/** Writes a group's streams and events in one statement: each stream's revision afterwards, and the last position. */
export type WriteGroup = (
  streams: readonly BatchStream[],
  events: readonly BatchEvent[],
) => Promise<{ revisions: Map<string, number | 'no_stream'>; lastPosition: bigint }>;

interface Job {
  readonly appends: readonly StreamAppend[];
  readonly alone: () => Promise<AppendResult[]>;
  readonly resolve: (results: AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: appends made while another is being written wait, and go
 * together in the next statement (append_batch): the log's head lock and the
 * commit flush are paid once per group. Appends to disjoint streams share a
 * group; one whose stream is already in the group waits for the next. A
 * group is formed a turn of the event loop after its first append arrives,
 * so that appends submitted together go together. If
 * the group's statement fails on a revision or an id, each append runs alone
 * instead, so that each gets exactly its own answer or error.
 */
export class GroupCommit {
  private readonly queue: Job[] = [];
  private flushing = false;

  constructor(
    private readonly writeGroup: WriteGroup,
    private readonly onWritten: () => void,
  ) {}

  /** Queues appends: written with others in a group, or `alone` when they are the only ones waiting. */
  submit(appends: readonly StreamAppend[], alone: () => Promise<AppendResult[]>): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ appends, alone, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        // Let the appends submitted in this turn of the event loop join the group: callers that were waiting on the
        // group just written all submit their next append together, a moment after the first of them. Without this
        // pause, 8 callers in a loop wrote in groups of 1 and 7 alternately — two statements per round instead of one.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const group: Job[] = [];
        const streams = new Set<string>();
        let events = 0;
        for (let i = 0; i < this.queue.length && events < GROUP_EVENTS; ) {
          const job = this.queue[i]!;
          if (job.appends.some((a) => streams.has(a.streamId))) {
            i++;
            continue;
          }
          group.push(job);
          for (const a of job.appends) streams.add(a.streamId);
          events += job.appends.reduce((n, a) => n + a.events.length, 0);
          this.queue.splice(i, 1);
        }
        if (group.length === 1) await group[0]!.alone().then(group[0]!.resolve, group[0]!.reject);
        else await this.flushGroup(group);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async flushGroup(group: readonly Job[]): Promise<void> {
    const appends = group.flatMap((job) => job.appends);
    try {
      const { revisions, lastPosition } = await this.writeGroup(
        appends.map((a) => ({ streamId: a.streamId, expected: a.expected })),
        appends.flatMap((a) => a.events.map((e) => ({ ...e, streamId: a.streamId }))),
      );
      let position = lastPosition - BigInt(appends.reduce((n, a) => n + a.events.length, 0));
      for (const job of group) {
        job.resolve(
          job.appends.map((a) => {
            const revision = revisions.get(a.streamId) ?? 'no_stream';
            if (a.events.length) position += BigInt(a.events.length);
            return { nextExpectedRevision: revision === 'no_stream' ? -1 : revision, lastPosition: a.events.length ? position : 0n, recorded: a.events.length > 0 };
          }),
        );
      }
      this.onWritten();
    } catch (error) {
      const each = error instanceof WrongExpectedRevisionError || error instanceof EventIdConflictError || (error as { code?: string }).code === '40001';
      for (const job of group) {
        if (each) await job.alone().then(job.resolve, job.reject);
        else job.reject(error);
      }
    }
  }
}
