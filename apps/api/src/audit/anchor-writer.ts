import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { anchorPrivateKey, chainHead, signAnchor } from '#event-store';
import type { Database, EngineConfig } from '#persistence';

/** The anchor file the API appends to, in ANCHOR_DIR. */
export const ANCHOR_FILE_NAME = 'anchors.ndjson';

/** The anchor key of ANCHOR_KEY_FILE, read at start (before the store is opened): a missing or wrong key stops the API, naming it. */
export function readAnchorKey(keyFile: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch {
    throw new Error(`ANCHOR_KEY_FILE: cannot read "${keyFile}"`);
  }
  return anchorPrivateKey(pem);
}

/**
 * Every ANCHOR_MINUTES, when the log has grown since the last one, signs the
 * head with ANCHOR_KEY_FILE's key and appends it to ANCHOR_DIR/anchors.ndjson
 * (docs/audit.md) — the same anchors `npm run cli -- anchor` makes.
 */
export class AnchorWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Anchors');
  private timer: NodeJS.Timeout | undefined;
  private lastPosition: string | undefined;

  constructor(
    private readonly database: Database,
    private readonly settings: NonNullable<EngineConfig['anchors']>,
    private readonly key: KeyObject,
  ) {
    mkdirSync(settings.dir, { recursive: true });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.writeNow().catch((error: unknown) => this.logger.error(`could not write an anchor: ${error instanceof Error ? error.message : String(error)}`)), this.settings.minutes * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Signs and appends the head if the log grew since the last anchor; the anchor written, if any. */
  async writeNow(): Promise<string | undefined> {
    const head = await chainHead(this.database.db);
    if (head.position === '0' || head.position === this.lastPosition) return undefined;
    const line = JSON.stringify(signAnchor(head, this.key));
    appendFileSync(join(this.settings.dir, ANCHOR_FILE_NAME), `${line}\n`);
    this.lastPosition = head.position;
    return line;
  }
}
