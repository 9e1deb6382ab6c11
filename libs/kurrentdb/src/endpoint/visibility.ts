import type { LogCaller } from './log-access.js';

/**
 * Which streams a caller may see, asked once per stream per call: a read or
 * subscription of `$all` passes over the events of the others (and a long
 * subscription must not ask the access again for every event).
 */
/** A long subscription over many streams forgets its answers now and then rather than keep them all. */
const MAX_REMEMBERED = 10_000;

export class Visibility {
  private readonly seen = new Map<string, Promise<boolean>>();

  constructor(private readonly caller: LogCaller) {}

  canSee(streamId: string): Promise<boolean> {
    let answer = this.seen.get(streamId);
    if (!answer) {
      if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
      answer = this.caller.canSee(streamId);
      this.seen.set(streamId, answer);
    }
    return answer;
  }
}
