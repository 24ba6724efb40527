/**
 * A resident's browser on a loopback address of its own (127.0.0.2, 127.0.0.3 …): to the
 * server, a different client, so per-address limits count it apart. Keeps cookies and posts
 * forms with the last page's CSRF token, like PageClient (which cannot choose its address).
 */
import { request } from 'node:http';

export class PageFromAddress {
  private cookies = new Map<string, string>();
  last = '';
  status = 0;
  /** Where the last post was sent on by a 303, which is followed with a GET like a browser. */
  seeOther: string | undefined;

  constructor(
    readonly base: string,
    readonly from: string,
  ) {}

  private send(method: 'GET' | 'POST', path: string, body?: string): Promise<void> {
    const url = new URL(path, this.base);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method,
          localAddress: this.from,
          agent: false,
          headers: {
            ...(cookie ? { cookie } : {}),
            ...(body !== undefined
              ? {
                  'content-type': 'application/x-www-form-urlencoded',
                  'content-length': Buffer.byteLength(body),
                  origin: this.base,
                }
              : {}),
          },
        },
        (res) => {
          for (const c of res.headers['set-cookie'] ?? []) {
            const [pair] = c.split(';');
            const eq = pair!.indexOf('=');
            const value = pair!.slice(eq + 1);
            if (value) this.cookies.set(pair!.slice(0, eq), value);
            else this.cookies.delete(pair!.slice(0, eq));
          }
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => {
            this.status = res.statusCode ?? 0;
            this.last = text;
            const location = res.statusCode === 303 ? res.headers.location : undefined;
            this.seeOther = method === 'POST' ? location : this.seeOther;
            if (location) this.send('GET', location).then(resolve, reject);
            else resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  get(path: string) {
    return this.send('GET', path);
  }

  post(path: string, fields: Record<string, string>) {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.last)?.[1] ?? '';
    return this.send('POST', path, new URLSearchParams({ ...fields, _csrf: token }).toString());
  }
}
