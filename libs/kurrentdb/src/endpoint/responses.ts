import type { ServerWritableStream } from '@grpc/grpc-js';
import { shuttingDown, type EndpointError } from './errors.js';
import type { ReadReq, ReadResp } from './protocol.js';

/**
 * The answers of one Read call, written at the pace the client takes them
 * (a slow subscriber holds the reading, not the server's memory). `signal`
 * aborts when the client cancels or the endpoint closes: every loop that
 * feeds the call stops on it.
 */
export class Responses {
  private readonly controller = new AbortController();
  private cancelled = false;
  private ended = false;
  private readonly stop = () => this.controller.abort();

  constructor(
    private readonly call: ServerWritableStream<ReadReq, ReadResp>,
    private readonly closing: AbortSignal,
  ) {
    call.on('cancelled', () => {
      this.cancelled = true;
      this.controller.abort();
    });
    closing.addEventListener('abort', this.stop, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get open(): boolean {
    return !this.controller.signal.aborted;
  }

  /** Writes one answer; resolves when the client can take more (or the call stops). */
  async send(message: ReadResp): Promise<void> {
    if (!this.open) return;
    if (this.call.write(message)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.call.off('drain', done);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      this.call.once('drain', done);
      this.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends the call: OK when it ran its course, UNAVAILABLE when the endpoint closed under it. */
  end(): void {
    if (this.ended) return;
    if (this.closing.aborted) return this.fail(shuttingDown());
    this.ended = true;
    this.release();
    if (!this.cancelled) this.call.end();
  }

  /** Ends the call with an error (once: a call that has ended takes no more answers). */
  fail(error: EndpointError): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
    this.controller.abort();
    if (!this.cancelled) this.call.emit('error', error.toServiceError());
  }

  /** A finished call no longer listens for the endpoint's closing. */
  private release(): void {
    this.closing.removeEventListener('abort', this.stop);
  }
}
