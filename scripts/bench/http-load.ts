import autocannon from 'autocannon';

export interface HttpResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers other than 2xx, and connection errors or timeouts. */
  readonly failed: number;
}

/**
 * `amount` requests from `connections` concurrent clients (autocannon, one
 * request in flight per connection), each built by `next` — a fresh command
 * or a fresh query every time.
 */
export async function load(
  { url, token }: { url: string; token: string },
  options: { connections: number; amount: number; next: () => { method: 'GET' | 'POST'; path: string; body?: string } },
): Promise<HttpResult> {
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        amount: options.amount,
        timeout: 30,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        requests: [
          {
            setupRequest: (request) => {
              const r = options.next();
              return { ...request, method: r.method, path: r.path, ...(r.body === undefined ? {} : { body: r.body }) };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', () => {
      lastAnswer = process.hrtime.bigint();
    });
  });
  // From the first request to the last answer: autocannon's own duration ends on its next whole-second tick.
  const seconds = Number(lastAnswer - started) / 1e9;
  const ok = result['2xx'];
  return {
    requests: ok + result.non2xx,
    seconds,
    perSecond: Math.round(ok / Math.max(seconds, 1e-9)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}
