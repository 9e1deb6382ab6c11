/**
 * The highest log position this process has acknowledged to a client. A
 * query answered afterwards waits (briefly) until the read models have
 * caught up with it: read-your-writes.
 */
export class AcknowledgedPositions {
  private highest = 0n;

  record(position: bigint): void {
    if (position > this.highest) this.highest = position;
  }

  get latest(): bigint {
    return this.highest;
  }
}
