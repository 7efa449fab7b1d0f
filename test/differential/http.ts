/** One REST exchange as the harness records it: the status, the parsed body and the headers it compares. */

export interface RestRequest {
  method: string;
  path: string;
  /** Sent as JSON with Content-Type application/json. */
  body?: unknown;
  /** Sent verbatim instead of `body`. */
  text?: string;
  /** Content-Type for `text` (default application/json). */
  contentType?: string;
}

export interface RestResponse {
  status: number;
  /** Parsed JSON, the raw text when it is not JSON, null when empty. */
  body: unknown;
  contentType: string | null;
  location: string | null;
}

export async function send(baseUrl: string, req: RestRequest): Promise<RestResponse> {
  const init: RequestInit = { method: req.method, headers: {} };
  if (req.text !== undefined) {
    init.body = req.text;
    init.headers = { 'content-type': req.contentType ?? 'application/json' };
  } else if (req.body !== undefined) {
    init.body = JSON.stringify(req.body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(baseUrl + req.path, { ...init, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  let body: unknown = text === '' ? null : text;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: compared as text
    }
  }
  return { status: res.status, body, contentType: res.headers.get('content-type'), location: res.headers.get('location') };
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
