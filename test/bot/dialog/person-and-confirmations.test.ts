/**
 * Issue 15 items 3 and 7 through the real dialog and the real file store: "talk to a person" in
 * zh, ug and kk ends with a stored call-back holding a phone (read back from disk with the data
 * key), or with the township office's number and nothing stored; and "start over" and "delete"
 * ask first, in the three languages, yes and no.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDialogDeps } from '../../../bot/dialog/deps.ts';
import { renderReplies } from '../../../bot/dialog/render.ts';
import type { Session } from '../../../bot/dialog/session.ts';
import { type DialogDeps, handle } from '../../../bot/dialog/transition.ts';
import { type DialogStorage, openDialogStorage } from '../../../bot/referral/dialog-storage.ts';
import { openFileStore, type Store } from '../../../bot/store/collection-store.ts';
import { translator } from '../../../locales/i18n.ts';
import { createScreener } from '../../../rules/engine/screen.ts';
import { storedReferrals } from '../../helpers/stored-referrals.ts';
import { fakeOfficePhone, rulesWithOffices } from '../../helpers/test-rules.ts';
import { coupleTapped, referralTapped } from '../../helpers/transcripts.ts';

const rulesDir = rulesWithOffices();
const screener = createScreener({ rulesDir, today: () => '2026-11-23' });
afterAll(() => rmSync(rulesDir, { recursive: true, force: true }));

let dataDir: string;
let store: Store;
let storage: DialogStorage;
let deps: DialogDeps;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'person-'));
  store = await openFileStore(dataDir);
  storage = await openDialogStorage(store, 'terminal', 1);
  let n = 0;
  deps = createDialogDeps({
    screener,
    date: '2026-11-23',
    newId: () => `s${++n}`,
    submitReferral: storage.submitReferral,
    requestCallback: storage.requestCallback,
    requestDeletion: storage.requestDeletion,
    provePhone: storage.proof.phone,
  });
});
afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function chat(messages: string[], start?: Session) {
  let session = start;
  const turns: string[][] = [];
  for (const m of messages) {
    const out = await handle(session, m, deps);
    // A deleted conversation's last words are in the language it was in.
    turns.push(renderReplies(out.replies, out.session?.lang ?? session?.lang ?? 'zh'));
    session = out.session ?? undefined;
  }
  return { session, turns, all: turns.flat().join('\n'), last: turns.at(-1)!.join('\n') };
}

const onDisk = () => Object.values(storedReferrals(dataDir));
const t = (lang: 'zh' | 'ug' | 'kk', key: string, o: Record<string, string> = {}) => translator(lang)(key, o);

describe('"talk to a person" stores a call-back only with a phone someone can call', () => {
  it('zh: asks county, township, consent, name and phone; stores the call-back; back to the question', async () => {
    const asked = await chat(['你好', '人工', '1', '3', '1', '阿依古丽·买买提']);
    // Before the phone nothing is stored: a call-back nobody can return is never kept.
    expect(onDisk()).toEqual([]);
    expect(asked.all).toContain('请问您的户籍在哪个县');
    expect(asked.all).toContain('3 喀拉达拉镇');
    expect(asked.all).toContain('只用于这次回电');
    const wrong = await chat(['12345'], asked.session);
    expect(wrong.all).toContain(t('zh', 'chat.hints.bad_phone'));
    expect(onDisk()).toEqual([]);
    const done = await chat(['139 1234 5678'], wrong.session);
    const [record] = onDisk();
    expect(record).toMatchObject({
      kind: 'callback',
      jurisdiction: 'tekes',
      township: 'karadala',
      name: '阿依古丽·买买提',
      phone: '13912345678',
      lang: 'zh',
      answers: {},
    });
    expect(done.all).toContain('乡镇工作人员会打 13912345678 给您回电话');
    expect(done.all).toContain(String(record!.reference));
    // The office as configured (the test's fake number), then the question they were on.
    expect(done.all).toContain(`电话：${fakeOfficePhone}`);
    expect(done.session!.phase).toBe('questions');
    expect(done.last).toContain('1 特克斯县');
  });

  it('ug: with the township already answered, consent, name and phone; stored with the phone', async () => {
    const done = await chat(['ياخشىمۇسىز، ئائىلە', '1', '1', 'خادىم', '1', 'ئايگۈل ئەخمەت', '13800001111']);
    const [record] = onDisk();
    expect(record).toMatchObject({
      kind: 'callback',
      township: 'tekes_town',
      name: 'ئايگۈل ئەخمەت',
      phone: '13800001111',
      lang: 'ug',
    });
    expect(done.all).toContain(t('ug', 'chat.person.stored', { phone: '13800001111' }));
    expect(done.all).toContain(fakeOfficePhone);
  });

  it('kk: township skipped (routed to the county), stored with the phone', async () => {
    const done = await chat([
      'سالەمەتسىز بە، ديباۋ العىم كەلەدى',
      'قىزمەتكەر',
      '1',
      'وتكىزۋ',
      '1',
      'ايگۇل',
      '0999 8123456',
    ]);
    const [record] = onDisk();
    expect(record).toMatchObject({
      kind: 'callback',
      jurisdiction: 'tekes',
      phone: '09998123456',
      lang: 'kk',
    });
    expect(record!.township).toBeUndefined();
    expect(done.all).toContain(t('kk', 'chat.person.stored', { phone: '09998123456' }));
  });

  it.each([
    ['zh', '你好', '人工', '2'],
    ['ug', 'ياخشىمۇسىز، ئائىلە', 'خادىم', 'ياق'],
    ['kk', 'سالەمەتسىز بە، ديباۋ العىم كەلەدى', 'قىزمەتكەر', 'جوق'],
  ] as const)('%s: refusing consent gives the office and its number, and stores nothing', async (lang, hello, person, no) => {
    const refused = await chat([hello, '1', '1', person, no]);
    expect(onDisk()).toEqual([]);
    expect(refused.session!.callback).toBeUndefined();
    expect(refused.all).toContain(t(lang, 'chat.person.declined'));
    expect(refused.all).toContain(t(lang, 'chat.office.phone', { phone: fakeOfficePhone }));
    expect(refused.session!.phase).toBe('questions');
  });

  it('says honestly when the office phone is not configured, in each language', async () => {
    for (const [hello, person, no, lang] of [
      ['你好', '人工', '2', 'zh'],
      ['ياخشىمۇسىز، ئائىلە', 'خادىم', '2', 'ug'],
      ['سالەمەتسىز بە، ديباۋ العىم كەلەدى', 'قىزمەتكەر', '2', 'kk'],
    ] as const) {
      // 阔克苏乡 (6th): an address and hours configured, no phone.
      const { all } = await chat([hello, '1', '6', person, no]);
      const place = screener.book.jurisdictions.get('tekes')!.townships[5]!.name[lang];
      expect(all).toContain(t(lang, 'chat.office.phone_missing', { place }));
      expect(all).not.toContain(fakeOfficePhone);
    }
    expect(onDisk()).toEqual([]);
  });

  it('after a sent referral, uses its phone; "delete" then asks for that phone and removes both', async () => {
    const sent = await chat(['你好', ...coupleTapped('3'), ...referralTapped('张三', '13912345678'), '人工']);
    const records = onDisk();
    expect(records.map((r) => r.kind).sort()).toEqual(['callback', 'referral']);
    expect(records.find((r) => r.kind === 'callback')).toMatchObject({ phone: '13912345678', name: '张三' });
    const deleted = await chat(['删除', '13912345678'], sent.session);
    expect(deleted.session).toBeUndefined();
    expect(onDisk().every((r) => r.phone === '' && r.name === '')).toBe(true);
  });

  it('a chat-only call-back is deleted with the whole phone, never with the conversation alone', async () => {
    const made = await chat(['你好', '人工', '1', '1', '1', '张三', '13912345678']);
    const asked = await chat(['删除'], made.session);
    expect(asked.all).toContain(t('zh', 'chat.person.delete_ask_phone'));
    const wrong = await chat(['13900000000'], asked.session);
    expect(onDisk()[0]).toMatchObject({ phone: '13912345678' });
    // Nothing deleted, and the resident is back at the question they were on.
    expect(wrong.session!.phase).toBe('questions');
    const right = await chat(['删除', '13912345678'], wrong.session);
    expect(right.session).toBeUndefined();
    expect(onDisk()[0]).toMatchObject({ phone: '', name: '' });
  });
});

describe('"start over" and "delete" ask first', () => {
  const langs = [
    { lang: 'zh', hello: '你好', restart: '重新开始', del: '删除', yes: '1', no: '2' },
    {
      lang: 'ug',
      hello: 'ياخشىمۇسىز، ئائىلە',
      restart: 'قايتا باشلاش',
      del: 'ئۆچۈرۈش',
      yes: 'ھەئە',
      no: 'ياق',
    },
    {
      lang: 'kk',
      hello: 'سالەمەتسىز بە، ديباۋ العىم كەلەدى',
      restart: 'قايتا باستاۋ',
      del: 'ٴوشىرۋ',
      yes: 'ٴيا',
      no: 'جوق',
    },
  ] as const;

  it.each(langs)('$lang: start over — no keeps every answer, yes clears them', async (l) => {
    const asked = await chat([l.hello, '1', '1', l.restart]);
    expect(asked.last).toBe(t(l.lang, 'chat.commands.restart_ask'));
    expect(asked.session!.answers.township).toBe('tekes_town');
    const kept = await chat([l.no], asked.session);
    expect(kept.all).toContain(t(l.lang, 'chat.commands.restart_kept'));
    expect(kept.session!.answers).toMatchObject({ jurisdiction: 'tekes', township: 'tekes_town' });
    expect(kept.session!.phase).toBe('questions');
    const cleared = await chat([l.restart, l.yes], kept.session);
    expect(cleared.all).toContain(t(l.lang, 'chat.commands.restarted'));
    expect(cleared.session!.answers).toEqual({});
  });

  it.each(langs)('$lang: delete — no deletes nothing, yes deletes the conversation', async (l) => {
    const asked = await chat([l.hello, '1', l.del]);
    expect(asked.last).toBe(t(l.lang, 'chat.commands.delete_ask'));
    const kept = await chat([l.no], asked.session);
    expect(kept.all).toContain(t(l.lang, 'chat.commands.delete_kept'));
    expect(kept.session!.answers.jurisdiction).toBe('tekes');
    const gone = await chat([l.del, l.yes], kept.session);
    expect(gone.session).toBeUndefined();
    expect(gone.all).toContain(t(l.lang, 'chat.commands.deleted'));
  });

  it('anything but yes or no asks again and changes nothing', async () => {
    const asked = await chat(['你好', '1', '重新开始', '火星']);
    expect(asked.last).toContain(t('zh', 'chat.commands.restart_ask'));
    expect(asked.session!.phase).toBe('restart_confirm');
    expect(asked.session!.answers.jurisdiction).toBe('tekes');
  });

  it('a fresh conversation with nothing to lose starts over at once', async () => {
    const { all, session } = await chat(['你好', '重新开始']);
    expect(all).toContain(t('zh', 'chat.commands.restarted'));
    expect(session!.phase).toBe('questions');
  });
});
