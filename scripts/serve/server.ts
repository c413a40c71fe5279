import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPage } from './build';

/**
 * `gradcheck serve`: builds the page (build.ts) and serves its files from memory with node:http on
 * 127.0.0.1 only (a page on localhost is a secure context, which WebGPU requires). Nothing else is
 * served: no file of the checkout is reachable through it.
 */
export const DEFAULT_PORT = 8231;

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the page and listens on `port` (0: any free port); resolves once it listens. */
export async function serve(port: number = DEFAULT_PORT): Promise<Served> {
  const files = await buildPage();
  const server = createServer((req, res) => {
    const file = req.method === 'GET' ? files.get(new URL(req.url ?? '/', 'http://localhost').pathname) : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${req.method} ${req.url}`);
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`--port: ${port} is in use; choose another (0 picks a free one)`) : e),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
