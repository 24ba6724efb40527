/**
 * A resident's browser without the browser, for HTTP tests of the pages: keeps cookies, reads
 * the CSRF token of the last page, posts forms (urlencoded, repeated names allowed).
 */
export class PageClient {
  private cookies = new Map<string, string>();
  last = '';
  /** The HTTP status of the last response. */
  status = 0;

  /** @param send fetch, or one that connects from another local address (fetch-from.ts) */
  constructor(
    readonly base: string,
    private send: typeof fetch = fetch,
  ) {}

  private remember(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
  }

  private headers(extra: Record<string, string> = {}) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  async get(path: string): Promise<Response> {
    const res = await this.send(this.base + path, { headers: this.headers(), redirect: 'manual' });
    this.remember(res);
    this.status = res.status;
    this.last = await res.clone().text();
    return res;
  }

  /** The CSRF token of the last page shown. */
  token(): string {
    return /name="_csrf" value="([^"]+)"/.exec(this.last)?.[1] ?? '';
  }

  /** Where the last post was sent on by a 303 (post → redirect → get), if it was. */
  seeOther: string | undefined;

  /**
   * Posts a form. Like a browser, a 303 answer is followed with a GET, and `last` and `status`
   * are then that page's; the response returned is the post's own (its status, its Location).
   */
  async post(path: string, fields: [string, string][] | Record<string, string>, withToken = true) {
    const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields));
    if (withToken) body.set('_csrf', this.token());
    const res = await this.send(this.base + path, {
      method: 'POST',
      body,
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      redirect: 'manual',
    });
    this.remember(res);
    this.status = res.status;
    this.last = await res.clone().text();
    this.seeOther = res.status === 303 ? (res.headers.get('location') ?? undefined) : undefined;
    if (this.seeOther) await this.get(this.seeOther);
    return res;
  }

  /** The same browser reaching another address (a second server instance behind one proxy). */
  copyCookiesFrom(other: PageClient): void {
    this.cookies = new Map(other.cookies);
    this.last = other.last;
  }

  /** The Cookie header this client sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** This client's cookies for a browser context (playwright's addCookies), so a page opens signed in. */
  browserCookies(base: string, path = '/staff'): { name: string; value: string; url: string }[] {
    return [...this.cookies].map(([name, value]) => ({ name, value, url: `${base}${path}` }));
  }

  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }
}

/** The visible text of an HTML fragment, tags dropped and entities decoded (enough for asserts). */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
