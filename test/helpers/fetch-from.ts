/**
 * A fetch that connects from a chosen loopback address (127.0.0.2, 127.0.0.3 …): to the server,
 * a different client, as a colleague in another office would be. Node's own fetch cannot bind
 * a local address, so this speaks node:http and hands back a standard Response (no redirects
 * followed, like redirect: 'manual').
 */
import { request } from 'node:http';

export function fetchFrom(localAddress: string): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    const headers = new Headers(init.headers);
    if (body !== undefined) {
      if (!headers.has('content-type'))
        headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
      headers.set('content-length', String(Buffer.byteLength(body)));
    }
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: init.method ?? 'GET',
          localAddress,
          agent: false,
          headers: Object.fromEntries(headers),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out = new Headers();
            for (let i = 0; i < res.rawHeaders.length; i += 2)
              out.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode!, headers: out }));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }) as typeof fetch;
}
