/**
 * A plain static file server for the built site, as a teacher's host would serve it: the files of a folder
 * (dist/ or a copy) under a sub-path, with only the headers a spec asks for. `down` makes it drop every
 * connection unanswered (the network is gone, whatever the browser thinks); `stall` makes it hold every
 * request open without a byte of answer (a network that accepts and never answers); a POST to
 * `<prefix>__csp-report` is kept as a CSP violation report (`report-uri`), from the page or any worker.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm',
  '.png': 'image/png', '.bin': 'application/octet-stream', '.svg': 'image/svg+xml',
};

export interface StaticServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  /** origin + prefix: the site's address. */
  url: string;
  /** Paths asked for (GETs), in order. */
  requests: string[];
  /** While true, every connection is dropped unanswered. */
  down: boolean;
  /** While true, every request is held open unanswered (counted in `held`) until `dropHeld()` or close(). */
  stall: boolean;
  /** Requests held by `stall`. */
  held: number;
  /** Drops the connections of the held requests, so their clients see a network error. */
  dropHeld(): void;
  /** Bodies of the CSP reports received. */
  cspReports: unknown[];
  /** Extra files served under the prefix (path → [type, body]), beside the folder's. */
  extra: Map<string, [string, string]>;
  close(): Promise<void>;
}

export async function serveStatic(opts: { root: string; prefix: string; headers?: Record<string, string> }): Promise<StaticServer> {
  const root = path.resolve(opts.root);
  const { prefix } = opts;
  const headers = opts.headers ?? {};
  const sockets = new Set<import('node:net').Socket>();
  const heldSockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    if (state.stall) {
      state.held += 1;
      heldSockets.add(req.socket);
      return;
    }
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (req.method === 'POST' && url === `${prefix}__csp-report`) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          state.cspReports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          state.cspReports.push(Buffer.concat(chunks).toString('utf8'));
        }
        res.writeHead(204).end();
      });
      return;
    }
    state.requests.push(url);
    if (!url.startsWith(prefix)) { res.writeHead(404, headers).end(); return; }
    const rel = url.slice(prefix.length);
    const extra = state.extra.get(rel);
    if (extra) { res.writeHead(200, { ...headers, 'Content-Type': extra[0] }).end(extra[1]); return; }
    let file = path.join(root, rel);
    if (!file.startsWith(root)) { res.writeHead(403, headers).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404, headers).end(); return; }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const origin = `http://127.0.0.1:${address.port}`;
  const state: StaticServer = {
    origin,
    url: `${origin}${prefix}`,
    requests: [],
    down: false,
    stall: false,
    held: 0,
    dropHeld: () => {
      for (const s of heldSockets) s.destroy();
      heldSockets.clear();
    },
    cspReports: [],
    extra: new Map(),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  return state;
}

/** Every file of a built site, relative to it, '/'-separated, sorted (listed here independently of the build). */
export function filesOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}
