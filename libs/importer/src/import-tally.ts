import { createWriteStream, statSync } from 'node:fs';

/** How one command fared (the shape of CommandService's answers). */
export type Outcome = { ok: true; duplicate: boolean } | { ok: false; error: string; message: string };

export interface ImportProgress {
  readonly lines: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly recorded: number;
  readonly refused: number;
  readonly duplicates: number;
}

export interface ImportSummary extends ImportProgress {
  readonly seconds: number;
  readonly commandsPerSecond: number;
  readonly reportPath: string;
}

/** What both import modes share: where refused lines go and how often progress is told. */
export interface ImportReporting {
  /** Where refused lines are written, one JSON object per line. */
  readonly reportPath: string;
  /** Called now and then with the progress so far. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** The key of derived command ids (`commandIdKey(personIndexKey)`): never an unkeyed digest of a line. */
  readonly idKey: Buffer;
}

/** An import's counts, its report of refused lines, and its progress calls. */
export class ImportTally {
  private readonly started = process.hrtime.bigint();
  private readonly totalBytes: number;
  private readonly report;
  private lines = 0;
  private bytesRead = 0;
  private recorded = 0;
  private refused = 0;
  private duplicates = 0;
  private lastProgress = 0;

  constructor(
    path: string,
    private readonly options: ImportReporting,
  ) {
    this.totalBytes = statSync(path).size;
    this.report = createWriteStream(options.reportPath);
  }

  /** A line was read (up to `bytesRead` bytes of the file). */
  read(line: number, bytesRead: number): void {
    this.lines = line;
    this.bytesRead = bytesRead;
    const now = Date.now();
    if (this.options.onProgress && now - this.lastProgress > 200) {
      this.lastProgress = now;
      this.options.onProgress(this.progress());
    }
  }

  /** The outcome of a line's command. */
  async count(line: number, outcome: Outcome): Promise<void> {
    if (outcome.ok) outcome.duplicate ? this.duplicates++ : this.recorded++;
    else await this.refuse(line, outcome.error, outcome.message);
  }

  async refuse(line: number, error: string, message: string): Promise<void> {
    this.refused++;
    if (!this.report.write(`${JSON.stringify({ line, error, message })}\n`)) await new Promise<void>((r) => this.report.once('drain', r));
  }

  async finish(): Promise<ImportSummary> {
    await new Promise<void>((resolve, reject) => this.report.end((error?: Error | null) => (error ? reject(error) : resolve())));
    this.options.onProgress?.(this.progress());
    const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    return {
      ...this.progress(),
      bytesRead: this.totalBytes,
      seconds,
      commandsPerSecond: Math.round((this.recorded + this.refused + this.duplicates) / seconds),
      reportPath: this.options.reportPath,
    };
  }

  private progress(): ImportProgress {
    const { lines, bytesRead, totalBytes, recorded, refused, duplicates } = this;
    return { lines, bytesRead, totalBytes, recorded, refused, duplicates };
  }
}
