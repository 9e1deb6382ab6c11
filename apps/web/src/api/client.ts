/**
 * The only way the dashboard reaches the engine: its HTTP API, with the
 * session's bearer token in a header (never in a URL). Errors are shown as
 * the API words them: its code and its message.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Params = Record<string, string | number | boolean | null | undefined>;

let token: string | null = null;
let onUnauthorized: () => void = () => undefined;

/** Set by the session: the token every call carries, and what to do when the API no longer accepts it. */
export function useToken(value: string | null, unauthorized: () => void = () => undefined): void {
  token = value;
  onUnauthorized = unauthorized;
}

/** A path with its query string (empty values left out). */
export function withQuery(path: string, params: Params = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}

async function call(path: string, init: RequestInit = {}, given: string | null = token): Promise<Response> {
  const headers = new Headers(init.headers);
  if (given) headers.set('authorization', `Bearer ${given}`);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the engine cannot be reached');
  }
  if (!response.ok) {
    let code = `HTTP_${response.status}`;
    let message = response.statusText;
    try {
      const body = (await response.json()) as { error?: string; message?: string };
      code = body.error ?? code;
      message = body.message ?? message;
    } catch {
      // not JSON: keep the status
    }
    if (response.status === 401 && given === token) onUnauthorized();
    throw new ApiError(response.status, code, message);
  }
  return response;
}

/** GET a JSON answer. */
export async function get<T>(path: string, params?: Params): Promise<T> {
  return (await (await call(withQuery(path, params))).json()) as T;
}

/** GET with a token given (logging in: before the session holds it). */
export async function getWith<T>(tokenGiven: string, path: string): Promise<T> {
  return (await (await call(path, {}, tokenGiven)).json()) as T;
}

/** POST a JSON body. */
export async function post<T>(path: string, body: unknown): Promise<T> {
  return (await (await call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as T;
}

/**
 * Downloads a file the API streams (an export): fetched with the token in
 * the header, then saved from memory under the name the API gives.
 */
export async function download(path: string, params: Params): Promise<void> {
  const response = await call(withQuery(path, params));
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'export';
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
