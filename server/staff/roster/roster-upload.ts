/**
 * A roster upload as the browser sends it (multipart/form-data, the CSRF token and one file):
 * read within ROSTER_MAX_BYTES, parsed by Node's own multipart reader (undici's FormData), and
 * the file's type decided by its bytes, never by its name: an XLSX is a zip ("PK\3\4"); a CSV
 * must be UTF-8 text without NUL bytes. Expected failures are values with a locale key.
 */
import type { Context } from 'koa';
import { z } from 'zod';

export type RosterKind = 'csv' | 'xlsx';

export type Upload =
  | { ok: true; bytes: Buffer; kind: RosterKind; token: unknown }
  | { ok: false; status: number; error: string; errorArgs?: Record<string, string | number> };

/** Room for the token, the part headers and the boundaries around the file. */
const envelope = 64 * 1024;

const multipart = z.string().regex(/^multipart\/form-data\s*;\s*boundary=/i, 'not multipart');

export async function readUpload(ctx: Context, maxBytes: number): Promise<Upload> {
  const type = multipart.safeParse(ctx.get('content-type'));
  if (!type.success) return { ok: false, status: 400, error: 'staff.roster.errors.no_file' };
  const tooLarge = {
    ok: false as const,
    status: 413,
    error: 'staff.roster.errors.too_large',
    errorArgs: { mb: Math.floor((maxBytes / 1024 / 1024) * 10) / 10 },
  };
  // Counted as it arrives, whatever Content-Length says. Past the limit the rest is read and
  // dropped (so the browser gets the translated answer rather than a broken connection), up to
  // four times the limit; a sender still going then is cut off.
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > 4 * (maxBytes + envelope)) {
      ctx.set('Connection', 'close');
      ctx.req.destroy();
      return tooLarge;
    }
    if (total <= maxBytes + envelope) chunks.push(chunk);
  }
  if (total > maxBytes + envelope) return tooLarge;
  let form: FormData;
  try {
    form = await new Response(Buffer.concat(chunks), {
      headers: { 'content-type': type.data },
    }).formData();
  } catch {
    return { ok: false, status: 400, error: 'staff.roster.errors.no_file' };
  }
  const file = form.get('roster');
  if (!(file instanceof Blob) || file.size === 0)
    return { ok: false, status: 400, error: 'staff.roster.errors.no_file' };
  if (file.size > maxBytes) return tooLarge;
  const bytes = Buffer.from(await file.arrayBuffer());
  const kind = sniff(bytes);
  if (!kind) return { ok: false, status: 400, error: 'staff.roster.errors.not_roster' };
  return { ok: true, bytes, kind, token: form.get('_csrf') };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** XLSX by its zip signature; CSV when the bytes are UTF-8 text (a GBK export is refused, named). */
export function sniff(bytes: Buffer): RosterKind | undefined {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304) return 'xlsx';
  if (bytes.includes(0)) return undefined;
  try {
    utf8.decode(bytes);
  } catch {
    return undefined;
  }
  return 'csv';
}
