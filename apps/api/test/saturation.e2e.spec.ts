import { request as httpRequest } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describePostgres } from '../../../test/support/databases.js';
import { startTestApi, type TestApi } from './support/api-client.js';

/**
 * A saturated server refuses cleanly (docs/operations.md): with
 * MAX_REQUESTS_IN_FLIGHT requests in hand, the next is answered at once 503
 * SERVER_BUSY with Retry-After — never another 5xx, never queued — while
 * health still answers; and a place comes back when its answer is sent or
 * its client goes away, so the bound never leaks. Requests are held in hand
 * deterministically: a command whose body is sent only in part is counted
 * (the bound is checked before the body is read) until its body is finished
 * or its client hangs up.
 */

const QUERY = '/api/coverage?areaId=SAT&asOf=2022-06-30';

interface Held {
  /** Answered before its body was finished: refused, not in hand. */
  readonly refused: boolean;
  /** Sends the rest of the body: the command is then recorded and answered. */
  finish(): Promise<{ status: number; body: any }>;
  /** The client hangs up, its body unfinished. */
  abandon(): void;
  /** The answer, whenever it comes (finished or not). */
  readonly answer: Promise<{ status: number; body: any }>;
}

let held = 0;
/** Requests not yet finished or abandoned: hung up before the API closes, whatever the outcome of a test. */
const open = new Set<Held>();

/** A command (a new area) whose body is sent only in part: in hand until finished or abandoned. */
function hold(api: TestApi): Held {
  held += 1;
  const body = Buffer.from(JSON.stringify({ type: 'DefineArea', areaId: `SAT-H${held}`, kind: 'subdistrict', name: '饱和街道', parentId: 'SAT' }));
  const request = httpRequest(`${api.url}/api/commands`, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json', 'content-length': String(body.length) },
  });
  let finished = false;
  let refused = false;
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('response', (response) => {
      if (!finished) refused = true;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    request.on('error', reject);
  });
  answer.catch(() => undefined);
  request.write(body.subarray(0, 10));
  const handle: Held = {
    get refused() {
      return refused;
    },
    finish: () => {
      open.delete(handle);
      finished = true;
      request.end(body.subarray(10));
      return answer;
    },
    abandon: () => {
      open.delete(handle);
      request.destroy();
    },
    answer,
  };
  open.add(handle);
  return handle;
}

const query = (api: TestApi) => fetch(`${api.url}${QUERY}`, { headers: { authorization: `Bearer ${api.adminToken}` } });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, asking every 50 ms; fails past `ms`. */
async function until(what: string, condition: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not seen within ${ms} ms: ${what}`);
    await pause(50);
  }
}

/** The status of a query (its body read, so that its connection is free again). */
const status = async (api: TestApi) => {
  const answer = await query(api);
  await answer.arrayBuffer();
  return answer.status;
};
const busy = async (api: TestApi) => (await status(api)) === 503;
const free = async (api: TestApi) => (await status(api)) === 200;

async function expectServerBusy(answer: Response): Promise<void> {
  expect(answer.status).toBe(503);
  expect(answer.headers.get('retry-after')).toBe('1');
  expect(await answer.json()).toEqual({ error: 'SERVER_BUSY', message: expect.stringContaining('send the request again') });
}

/**
 * Both places taken (MAX_REQUESTS_IN_FLIGHT=2) by two held requests. A
 * query's place is given back only just after its client has the answer
 * (onResponse), so a request held at once after one may find the place still
 * taken: it is refused, and held again a moment later. Once two queries in a
 * row are refused (the second sent after the first was refused, which holds
 * nothing), both held requests are in hand: nothing else is.
 */
async function takeBothPlaces(api: TestApi): Promise<Held[]> {
  const both = [hold(api), hold(api)];
  await until('two requests in hand refuse the next', async () => {
    await pause(100);
    if (both.some((request) => request.refused)) {
      for (const [i, request] of both.entries()) {
        if (!request.refused) continue;
        request.abandon();
        both[i] = hold(api);
      }
      return false;
    }
    return (await busy(api)) && (await busy(api));
  });
  return both;
}

/**
 * The bound counts exactly what is in hand (MAX_REQUESTS_IN_FLIGHT=2): with
 * two held, queries are refused (no place was given back twice); with one,
 * answered (no place leaked).
 */
async function expectExactCount(api: TestApi): Promise<void> {
  const [first, second] = await takeBothPlaces(api);
  first!.abandon();
  await until('one request in hand lets the next through', () => free(api));
  expect(await second!.finish()).toMatchObject({ status: 200, body: { ok: true } });
}

// On PostgreSQL: what is measured is the HTTP layer; one store suffices.
describePostgres('a bound on requests in hand', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('postgres', { MAX_REQUESTS_IN_FLIGHT: '2' });
    expect(await api.post('/api/commands', { type: 'DefineArea', areaId: 'SAT', kind: 'district', name: '饱和区' })).toMatchObject({ status: 200 });
    await until('the coverage query answers', () => free(api));
  }, 60_000);
  afterEach(() => {
    for (const request of open) request.abandon();
  });
  afterAll(() => api?.close());

  it('answers 503 SERVER_BUSY with Retry-After at once while MAX_REQUESTS_IN_FLIGHT requests are in hand; health still answers 200', async () => {
    const [first, second] = await takeBothPlaces(api);

    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => query(api)),
      fetch(`${api.url}/api/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'DefineArea', areaId: 'SAT-REFUSED', kind: 'subdistrict', name: '未记街道', parentId: 'SAT' }),
      }),
    ]);
    for (const answer of answers) await expectServerBusy(answer);
    for (let i = 0; i < 3; i++) {
      const health = await fetch(`${api.url}/api/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
    }

    // The requests in hand go on as if nothing happened; the refused command was not recorded.
    expect(await first!.finish()).toMatchObject({ status: 200, body: { ok: true } });
    expect(await second!.finish()).toMatchObject({ status: 200, body: { ok: true } });
    expect(await status(api)).toBe(200);
    expect(await api.post('/api/commands', { type: 'DefineArea', areaId: 'SAT-REFUSED', kind: 'subdistrict', name: '未记街道', parentId: 'SAT' })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    await expectExactCount(api);
  });

  it('gives a place back when its client hangs up before being answered', async () => {
    for (const request of await takeBothPlaces(api)) request.abandon();
    await until('the places of clients gone come back', () => free(api));
    await expectExactCount(api);
  });

  it('under a burst, answers every request 200 or 503 SERVER_BUSY, and counts back to nothing', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => query(api)));
    for (const answer of answers) {
      if (answer.status === 503) await expectServerBusy(answer);
      else expect(answer.status).toBe(200);
    }
    // Clients that hang up at any point: before, during or after their answer (each on its own connection, closed with it).
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const request = httpRequest(`${api.url}${QUERY}`, { agent: false, headers: { authorization: `Bearer ${api.adminToken}` } });
        const closed = new Promise((resolve) => request.on('close', resolve));
        request.on('error', () => undefined);
        request.on('response', (response) => response.resume());
        request.end();
        setTimeout(() => request.destroy(), i);
        return closed;
      }),
    );
    await expectExactCount(api);
  });
});

describePostgres('a time limit on receiving a body', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('postgres', { MAX_REQUESTS_IN_FLIGHT: '2', BODY_TIMEOUT_MS: '500' });
    expect(await api.post('/api/commands', { type: 'DefineArea', areaId: 'SAT', kind: 'district', name: '饱和区' })).toMatchObject({ status: 200 });
  }, 60_000);
  afterEach(() => {
    for (const request of open) request.abandon();
  });
  afterAll(() => api?.close());

  it('answers 408 BODY_TIMEOUT to a body that does not arrive in time, records nothing, and gives the place back', async () => {
    const events = await api.eventCount();
    const trickled = [hold(api), hold(api)];
    // Both places are taken while the bodies trickle; past BODY_TIMEOUT_MS both are answered and closed.
    const answers = await Promise.all(trickled.map((request) => request.answer));
    for (const answer of answers) expect(answer).toEqual({ status: 408, body: { error: 'BODY_TIMEOUT', message: expect.stringContaining('0.5 s') } });
    await until('the places come back', () => free(api));
    expect(await api.eventCount()).toBe(events);
    // A body sent in time is recorded as ever, and a query (no body) is not cut off by the body's limit.
    expect(await api.post('/api/commands', { type: 'DefineArea', areaId: 'SAT-ON-TIME', kind: 'subdistrict', name: '准时街道', parentId: 'SAT' })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await status(api)).toBe(200);
  });
});

/** Keeps the event loop late by `chunkMs` at every turn until `stop()`; the requests of the test are served between chunks. */
function holdEventLoop(chunkMs: number): { stop(): Promise<void> } {
  let running = true;
  const done = (async () => {
    while (running) {
      const end = performance.now() + chunkMs;
      while (performance.now() < end) {
        // busy: nothing else runs
      }
      await nextTurn();
    }
  })();
  return {
    stop: () => {
      running = false;
      return done;
    },
  };
}

describePostgres('a bound on event-loop delay', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('postgres', { MAX_EVENT_LOOP_DELAY_MS: '50' });
    expect(await api.post('/api/commands', { type: 'DefineArea', areaId: 'SAT', kind: 'district', name: '饱和区' })).toMatchObject({ status: 200 });
  }, 60_000);
  afterAll(() => api?.close());

  it('answers 503 SERVER_BUSY with Retry-After while the event loop lags past MAX_EVENT_LOOP_DELAY_MS, health still 200; normally once it catches up', async () => {
    await until('the coverage query answers', () => free(api));
    const lag = holdEventLoop(200);
    try {
      let refused: Response | undefined;
      await until('a lagging server refuses', async () => {
        const [answer, health] = await Promise.all([query(api), fetch(`${api.url}/api/health`)]);
        expect(health.status).toBe(200);
        await health.text();
        if (answer.status !== 503) {
          expect(answer.status).toBe(200);
          await answer.text();
          return false;
        }
        refused = answer;
        return true;
      }, 30_000);
      await expectServerBusy(refused!);
    } finally {
      await lag.stop();
    }
    await until('the server answers again once its event loop keeps up', () => free(api));
  }, 60_000);
});

// The embedded store's queries run on the event loop: its delay measures the database's work there, and is not watched.
describe('no bound on event-loop delay on the embedded store [PGlite]', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('pglite', { MAX_EVENT_LOOP_DELAY_MS: '1' });
    expect(await api.post('/api/commands', { type: 'DefineArea', areaId: 'SAT', kind: 'district', name: '饱和区' })).toMatchObject({ status: 200 });
  }, 60_000);
  afterAll(() => api?.close());

  it('answers while the event loop lags', async () => {
    const lag = holdEventLoop(200);
    try {
      const started = Date.now();
      // Past two of under-pressure's one-second measures, each of a lagging loop.
      while (Date.now() - started < 3_000) expect(await status(api)).toBe(200);
    } finally {
      await lag.stop();
    }
  }, 60_000);
});
