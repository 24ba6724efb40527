/**
 * Results at their own address, against really started servers: the form's post redirects to
 * /:lang/results/<token>; the address holds a random token and nothing the resident typed; the
 * page says until when it is kept, expires then (a translated "expired, fill in again", 410),
 * goes with the person on deletion, and counts against the address's budget of new conversations.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../helpers/browser-session.ts';
import { PageFromAddress } from '../helpers/page-from-address.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import zhWeb from '../../locales/zh/web.json' with { type: 'json' };
import ugWeb from '../../locales/ug/web.json' with { type: 'json' };
import kkWeb from '../../locales/kk/web.json' with { type: 'json' };

const web = { zh: zhWeb, ug: ugWeb, kk: kkWeb };
const tokenPath = (lang: string) => new RegExp(`^/${lang}/results/([A-Za-z0-9_-]{43})$`);

/** What this resident types: each value must stay out of every address the pages send them to. */
const typed = {
  rows: '4',
  county: 'tekes',
  township: 'karadala',
  area: 'rural',
  age_0: '67',
  work_0: 'none',
  income: '1234',
  property: 'yes',
  action: 'results',
};
const contact = { consent: 'yes', name: '阿依古丽', phone: '13987651234', village: '阔克铁热克村' };

/** Every file under a directory, as raw text. */
function allFiles(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out += statSync(p).isDirectory() ? allFiles(p) : readFileSync(p, 'latin1');
  }
  return out;
}

async function results(page: PageFromAddress, lang: string) {
  await page.get(`/${lang}/form`);
  await page.post(`/${lang}/form`, typed);
  const token = tokenPath(lang).exec(page.seeOther ?? '')?.[1];
  if (!token) throw new Error(`no results address: ${page.status} ${textOf(page.last).slice(0, 300)}`);
  return token;
}

describe('results at their own address (7 days)', () => {
  let server: Started;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'results-'));
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('redirects the post to a random token; no address the resident is sent to holds what they typed', async () => {
    const page = new PageFromAddress(server.base, '127.0.0.2');
    const token = await results(page, 'zh');
    expect(page.status).toBe(200);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(await results(new PageFromAddress(server.base, '127.0.0.2'), 'zh')).not.toBe(token);
    const addresses = [page.seeOther!];
    // The page says until when it is kept: seven days from now, as residents write dates.
    const until = new Date(Date.now() + 7 * 24 * 3600_000).toLocaleDateString('zh-CN', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
    });
    expect(textOf(page.last)).toContain(zhWeb.results.kept_until.replace('{{date}}', until));
    expect(page.last).toContain(`href="/zh/results/${token}/print"`);

    await page.get(`/zh/referral/${token}`);
    await page.post(`/zh/referral/${token}`, contact);
    addresses.push(page.seeOther!);
    const reference = /id="reference">([A-Z]{2}-[0-9A-Z]{8})/.exec(page.last)![1]!;
    // The sent page repeats the papers to bring and links the results.
    expect(textOf(page.last)).toContain(zhWeb.referral.papers_title);
    expect(page.last).toMatch(/<li class="program (likely|possible)" data-program="[a-z_]+">/);
    expect(textOf(page.last)).toContain('户口本');
    expect(page.last).toContain(`href="/zh/results/${token}"`);

    const status = new PageFromAddress(server.base, '127.0.0.3');
    await status.get('/zh/status');
    await status.post('/zh/status', { reference, digits: '1234' });
    addresses.push(status.seeOther!);
    expect(status.last).toContain('data-status="new"');
    await status.post('/zh/status/delete', {
      reference,
      digits: '1234',
      phone: contact.phone,
      confirm: 'yes',
    });
    addresses.push(status.seeOther!);
    expect(textOf(status.last)).toContain(zhWeb.status.deleted.replace('{{reference}}', reference));

    expect(addresses).toEqual([
      `/zh/results/${token}`,
      `/zh/referral/${token}`,
      '/zh/status/referral',
      '/zh/status/deleted',
    ]);
    const secrets = [
      ...Object.values(typed),
      ...Object.values(contact),
      '1234',
      reference,
      reference.slice(3),
    ];
    // Apart from the token (random: it may hold "67" by chance), nothing: no answer, no contact.
    for (const address of addresses.map((a) => a.replace(token, ':token')))
      for (const secret of secrets.filter((s) => !['yes', 'results'].includes(s)))
        expect(address.toLowerCase()).not.toContain(secret.toLowerCase());

    // Deleted with the person: the results page and its answers are gone too.
    await page.get(`/zh/results/${token}`);
    expect(page.status).toBe(404);
    expect(textOf(page.last)).toContain(zhWeb.results.gone);
  });

  it('prints programs, reasons, papers and where to go, with the reference once sent', async () => {
    for (const lang of ['zh', 'ug', 'kk'] as const) {
      const page = new PageFromAddress(server.base, '127.0.0.4');
      const token = await results(page, lang);
      await page.get(`/${lang}/referral/${token}`);
      await page.post(`/${lang}/referral/${token}`, { ...contact, name: 'Aygul' });
      const reference = /id="reference">([A-Z]{2}-[0-9A-Z]{8})/.exec(page.last)![1]!;
      await page.get(`/${lang}/results/${token}/print`);
      expect(page.status).toBe(200);
      expect(page.last).toContain(`dir="${lang === 'zh' ? 'ltr' : 'rtl'}"`);
      const text = textOf(page.last);
      const t = web[lang].results;
      expect(text).toContain(t.print_title);
      expect(text).toContain(t.reference_line.replace('{{reference}}', reference));
      expect(text).toContain(t.why);
      expect(text).toContain(t.papers.split('{{')[0]!.trim());
      expect(text).toContain(t.where.split('{{')[0]!.trim());
      expect(page.last).toMatch(/<ul class="reasons">\s*<li/);
    }
  });

  it('says an unknown address has expired, in the page language, with the form to fill again', async () => {
    const page = new PageFromAddress(server.base, '127.0.0.5');
    for (const lang of ['zh', 'ug', 'kk'] as const) {
      await page.get(`/${lang}/results/${'A'.repeat(43)}`);
      expect(page.status).toBe(404);
      expect(textOf(page.last)).toContain(web[lang].results.gone);
      expect(page.last).toContain(`href="/${lang}/form"`);
    }
  });
});

describe('results that reach their end', () => {
  let server: Started;
  let dataDir: string;
  const keepSeconds = 4;
  const env = () => ({
    PORT: '0',
    DATA_DIR: dataDir,
    RESULTS_DAYS: String(keepSeconds / 86_400),
    NEW_CONVERSATIONS_PER_HOUR: '4',
  });
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'results-end-'));
    server = await startServer('server/main.ts', env());
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 410 "expired, fill in again" in zh, ug and kk, then deletes the answers', async () => {
    const page = new PageFromAddress(server.base, '127.0.0.6');
    const ended = await results(page, 'ug');
    expect(page.status).toBe(200);
    await new Promise((r) => setTimeout(r, (keepSeconds + 1) * 1000));
    await page.get(`/kk/results/${ended}/print`);
    expect(page.status).toBe(410);
    expect(textOf(page.last)).toContain(kkWeb.results.gone);
    // Once said, it is gone: the next look finds nothing at all.
    for (const lang of ['zh', 'ug'] as const) {
      await page.get(`/${lang}/results/${ended}`);
      expect(page.status).toBe(404);
      expect(textOf(page.last)).toContain(web[lang].results.gone);
    }
    await page.get(`/ug/referral/${ended}`);
    expect(page.status).toBe(404);
    // A page still within its time is on disk; the ended one is not, anywhere under DATA_DIR.
    const kept = await results(page, 'zh');
    await server.stop();
    const files = allFiles(dataDir);
    expect(files).toContain(kept);
    expect(files).not.toContain(ended);
    server = await startServer('server/main.ts', env());
  });

  it('counts each results page against the per-address budget of new conversations', async () => {
    const page = new PageFromAddress(server.base, '127.0.0.7');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.get('/zh/form');
      await page.post('/zh/form', typed);
      statuses.push(page.seeOther ? 303 : page.status);
    }
    expect(statuses).toEqual([303, 303, 303, 303, 429]);
  });
});
