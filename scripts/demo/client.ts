import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The demo's only way into the engine: HTTP, with a bearer token. A 503
 * (SERVER_BUSY, SHUTTING_DOWN, REQUEST_TIMEOUT) is sent again after its
 * Retry-After; nothing else is retried here.
 */
export interface Answer {
  readonly status: number;
  readonly body: any;
}

export class EngineClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  get(path: string): Promise<Answer> {
    return this.call('GET', path);
  }

  post(path: string, body: unknown): Promise<Answer> {
    return this.call('POST', path, body);
  }

  private async call(method: string, path: string, body?: unknown): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const answer = { status: response.status, body: text ? parse(text) : undefined };
      if (response.status !== 503 || attempt >= 20) return answer;
      const after = Number(response.headers.get('retry-after'));
      await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : 1000);
    }
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Waits until GET /api/health answers 200 (the server is ready to take commands), or throws after `seconds`. */
export async function waitForHealth(url: string, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  let last = '';
  for (;;) {
    try {
      const response = await fetch(`${url}/api/health`);
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    }
    if (Date.now() > until) throw new Error(`no engine ready at ${url} after ${seconds} s (${last}): start it first (npm start), or pass --url`);
    await sleep(500);
  }
}
