/** A real HTTP server on loopback that records every request and answers as a test scripts it (an API a sink writes to). */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpRecorder {
  readonly origin: string;
  /** Requests answered with a 2xx status, in arrival order. */
  readonly accepted: RecordedRequest[];
  /** Every request, whatever it was answered. */
  readonly all: RecordedRequest[];
  /** Decides each answer (default 200). */
  answer: (req: RecordedRequest) => number;
  close(): Promise<void>;
}

export async function httpRecorder(): Promise<HttpRecorder> {
  const accepted: RecordedRequest[] = [];
  const all: RecordedRequest[] = [];
  const rec: HttpRecorder = {
    origin: '',
    accepted,
    all,
    answer: () => 200,
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      all.push(r);
      const status = rec.answer(r);
      if (status >= 200 && status < 300) accepted.push(r);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return Object.assign(rec, {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
