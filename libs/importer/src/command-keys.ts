import { declarationOf, type CommandKeys } from '#commands';

export type { CommandKeys };

/**
 * What a command writes and reads, from its declaration (libs/commands): a
 * command that conflicts with one still running waits for it (and the lines
 * after it wait too: the file's order is kept where it matters).
 */
export function keysOf(command: Record<string, unknown>): CommandKeys {
  const declaration = typeof command['type'] === 'string' ? declarationOf(command['type']) : undefined;
  // Unknown or malformed: it will be refused; make it wait for nothing.
  return declaration ? declaration.keys(command) : { writes: [], reads: [] };
}

/** Keys held by commands in flight: a count of writers and readers per key. */
export class KeyLocks {
  private readonly writers = new Map<string, number>();
  private readonly readers = new Map<string, number>();

  canRun(keys: CommandKeys): boolean {
    return keys.writes.every((k) => !this.writers.has(k) && !this.readers.has(k)) && keys.reads.every((k) => !this.writers.has(k));
  }
  hold(keys: CommandKeys): void {
    for (const k of keys.writes) this.writers.set(k, (this.writers.get(k) ?? 0) + 1);
    for (const k of keys.reads) this.readers.set(k, (this.readers.get(k) ?? 0) + 1);
  }
  release(keys: CommandKeys): void {
    for (const [map, list] of [[this.writers, keys.writes], [this.readers, keys.reads]] as const) {
      for (const k of list) {
        const n = (map.get(k) ?? 0) - 1;
        if (n > 0) map.set(k, n);
        else map.delete(k);
      }
    }
  }
}
