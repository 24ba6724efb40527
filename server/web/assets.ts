/**
 * The pages' stylesheet, scripts and icon (templates/static), read once at start and served with a
 * content hash in the URL, so phones on slow links cache them for a year and never see a stale one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'koa';

const dir = fileURLToPath(new URL('../../templates/static/', import.meta.url));
const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}
const assets = new Map<string, Asset>();
for (const name of readdirSync(dir)) {
  const type = types[extname(name)];
  if (!type) continue;
  const body = readFileSync(join(dir, name));
  assets.set(name, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
}

/** /static/site.3f2a9c1b0d4e.css for templates/static/site.css. */
export function assetPath(name: string): string {
  const a = assets.get(name);
  if (!a) throw new Error(`no asset ${name} in templates/static`);
  const ext = extname(name);
  return `/static/${name.slice(0, -ext.length)}.${a.hash}${ext}`;
}

export function serveAsset(ctx: Context, file: string): boolean {
  const m = /^([a-z0-9-]+)\.([0-9a-f]{12})(\.[a-z]+)$/.exec(file);
  const a = m ? assets.get(`${m[1]}${m[3]}`) : undefined;
  if (!a || a.hash !== m![2]) return false;
  send(ctx, a, 'public, max-age=31536000, immutable');
  return true;
}

/**
 * /favicon.ico: browsers ask for it at this fixed address whatever the page links, so it cannot
 * carry a hash; cached for a week (not forever) so a new icon still reaches phones.
 */
export function serveFavicon(ctx: Context): void {
  send(ctx, assets.get('favicon.ico')!, 'public, max-age=604800');
}

function send(ctx: Context, a: Asset, cacheControl: string): void {
  ctx.type = a.type;
  ctx.set('Cache-Control', cacheControl);
  ctx.body = a.body;
}
