import { startTestApi, type TestApi } from './support/api-client.js';

const UNKNOWN = `uce_0123456789abcdef_${'A'.repeat(43)}`;

/**
 * The limits that belong to access (backend-independent: the HTTP layer):
 * failed authentication rate-limited per address, a request rate per token,
 * security headers, CORS only for configured origins.
 */
describe('HTTP security', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('pglite', { AUTH_FAILURES_PER_MINUTE: '5', RATE_LIMIT_PER_MINUTE: '30', CORS_ORIGINS: 'https://dash.example.org' });
  });
  afterAll(() => api?.close());

  it('sends security headers, and answers 401 with a Bearer challenge', async () => {
    const response = await fetch(`${api.url}/api/coverage?areaId=LG`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(await response.json()).toMatchObject({ error: 'UNAUTHORIZED' });
    const health = await fetch(`${api.url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('allows a browser page of a configured origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/api/coverage`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect((await preflight('https://dash.example.org')).headers.get('access-control-allow-origin')).toBe('https://dash.example.org');
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits the requests of one token per minute (429 RATE_LIMITED), leaving other tokens and health alone', async () => {
    const token = await api.issue('admin', undefined, 'busy client');
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await api.get('/api/tokens', token)).status);
    expect(statuses.filter((s) => s === 200).length).toBe(30);
    const limited = await fetch(`${api.url}/api/tokens`, { headers: { authorization: `Bearer ${token}` } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: 'RATE_LIMITED' });
    expect((await api.get('/api/tokens')).status).toBe(200);
    expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
  });

  it('refuses an address after too many failed authentications, even with a good token, for the rest of the minute', async () => {
    for (let i = 0; i < 5; i++) expect((await api.get('/api/tokens', UNKNOWN)).status).toBe(401);
    const blocked = await api.get('/api/tokens', UNKNOWN);
    expect(blocked).toMatchObject({ status: 429, body: { error: 'TOO_MANY_FAILED_ATTEMPTS' } });
    expect((await api.get('/api/tokens')).status).toBe(429);
    expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
  });
});

describe('HTTP security, by default', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('pglite');
  });
  afterAll(() => api?.close());

  it('allows no other origin (CORS off)', async () => {
    const preflight = await fetch(`${api.url}/api/coverage`, { method: 'OPTIONS', headers: { origin: 'https://dash.example.org', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${api.url}/api/health`, { headers: { origin: 'https://dash.example.org' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('judges the route a request reaches, however its path is spelled', async () => {
    for (const path of ['/%61pi/tokens', '/api/%74okens', '/api//tokens', '/api/tokens/', '/api/tokens?x=/api/health', '/api/health%2F..%2Ftokens']) {
      const response = await fetch(`${api.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: [401, 404].includes(response.status) ? response.status : 'neither 401 nor 404' });
      if (response.status === 401) expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('documents the bearer token in the OpenAPI document, open to all like health', async () => {
    const document = (await (await fetch(`${api.url}/api/docs-json`)).json()) as any;
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/api/health'].get.security).toEqual([]);
    expect(Object.keys(document.paths['/api/commands'].post.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });

  it('refuses token requests the record could not hold with a 400, never a database error', async () => {
    expect(await api.post('/api/tokens', { role: 'viewer', areaId: 'a\u0000b' })).toMatchObject({ status: 400, body: { error: 'INVALID_AREA' } });
    expect(await api.post('/api/tokens', { role: 'admin', holder: 'a\u0000b' })).toMatchObject({ status: 400, body: { error: 'INVALID_HOLDER' } });
    const [, id] = /^uce_([0-9a-f]{16})_/.exec(api.adminToken)!;
    const before = await api.eventCount();
    expect(await api.post(`/api/tokens/${id}/revoke`, { reason: 'left\u0000' })).toMatchObject({ status: 400, body: { error: 'INVALID_REASON' } });
    expect(await api.eventCount()).toBe(before);
  });

  it('tells apart no token, a bad one and a malformed one only as far as the caller already knows', async () => {
    expect((await api.get('/api/tokens', null)).body.message).toContain('bearer token is required');
    expect((await api.get('/api/tokens', UNKNOWN)).body.message).toBe('the bearer token is not valid');
    expect((await api.get('/api/tokens', 'not-a-token')).body.message).toBe('the bearer token is not valid');
    const [, id] = /^uce_([0-9a-f]{16})_/.exec(api.adminToken)!;
    // The right id with a wrong secret is no better than an unknown token.
    expect((await api.get('/api/tokens', `uce_${id}_${'B'.repeat(43)}`)).body.message).toBe('the bearer token is not valid');
  });
});
