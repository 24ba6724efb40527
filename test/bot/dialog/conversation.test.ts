/**
 * Whole conversations through the channel-independent transition, rendered as a resident
 * reads them, with referrals stored (in a memory store here; durability is tested in
 * test/bot/store).
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDialogDeps } from '../../../bot/dialog/deps.ts';
import { renderReplies } from '../../../bot/dialog/render.ts';
import type { Session } from '../../../bot/dialog/session.ts';
import { readCommand } from '../../../bot/dialog/commands.ts';
import { readAnswer } from '../../../bot/dialog/read-answer.ts';
import { steps } from '../../../bot/dialog/steps.ts';
import { type DialogDeps, handle } from '../../../bot/dialog/transition.ts';
import { type Collection, openMemoryStore } from '../../../bot/store/collection-store.ts';
import { StoreWriteError } from '../../../bot/store/store-errors.ts';
import { createScreener } from '../../../rules/engine/screen.ts';
import { coupleZh } from '../../helpers/transcripts.ts';
import { collect } from '../../helpers/collect.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const referralSchema = z.object({ name: z.string(), phone: z.string(), programs: z.array(z.string()) });
let referrals: Collection<z.infer<typeof referralSchema>>;
let callbacks: string[];
let deps: DialogDeps;

beforeEach(async () => {
  referrals = await (await openMemoryStore()).collection('referrals', referralSchema);
  callbacks = [];
  let n = 0;
  deps = createDialogDeps({
    screener,
    date: '2026-11-23',
    newId: () => `s${++n}`,
    now: () => '2026-11-23T10:00:00Z',
    submitReferral: async (s, result) => {
      const reference = `TK20261123${String((await referrals.count()) + 1).padStart(4, '0')}`;
      await referrals.setDurably(reference, {
        name: s.referral!.name!,
        phone: s.referral!.phone!,
        programs: result.programs.filter((p) => p.verdict !== 'unlikely').map((p) => p.id),
      });
      return reference;
    },
    requestCallback: async (s) => {
      callbacks.push(s.id);
    },
  });
});

/** Sends each message, returns the session and everything the resident read, per turn. */
async function chat(messages: string[], start?: Session) {
  let session = start;
  const turns: string[][] = [];
  for (const m of messages) {
    const out = await handle(session, m, deps);
    session = out.session ?? undefined;
    turns.push(renderReplies(out.replies, session?.lang ?? 'zh'));
  }
  return { session, turns, all: turns.flat().join('\n') };
}

describe('a conversation in Chinese', () => {
  it('reaches results and a stored referral with a reference number', async () => {
    const { session, turns, all } = await chat([
      ...coupleZh,
      '1',
      '1',
      '阿依古丽·买买提',
      '139 1234 5678',
      '跳过',
      '1',
    ]);
    expect(all).toContain('最低生活保障（低保）: 很可能符合');
    expect(all).toContain('估算每月 668 元');
    expect(all).toContain('特克斯县城乡低保分类分档救助实施方案');
    expect(turns.at(-1)!.join()).toContain('TK202611230001');
    expect(session!.phase).toBe('done');
    expect(await referrals.get('TK202611230001')).toMatchObject({
      name: '阿依古丽·买买提',
      phone: '13912345678',
    });
    expect((await referrals.get('TK202611230001'))!.programs).toContain('dibao');
  });

  it('shows progress and numbered options', async () => {
    const { turns } = await chat(['你好', '1', '1']);
    expect(turns[0]!.at(-1)).toMatch(/^第 1 题（共约 \d+ 题）/);
    expect(turns[1]!.at(-1)).toContain('1 特克斯镇\n2 乔拉克铁热克镇');
    expect(turns[2]!.at(-1)).toContain('1 城市\n2 农村');
  });

  it('stores nothing personal without consent', async () => {
    const { session, all } = await chat([...coupleZh, '1', '2']);
    expect(all).toContain('不会保存您的个人信息');
    expect(session!.referral).toEqual({ consent: false });
    expect(await referrals.count()).toBe(0);
  });
});

describe('commands', () => {
  it('back returns to the previous question and lets the answer change', async () => {
    const { session, turns } = await chat(['你好', '1', '1', '农村', '返回', '城市']);
    expect(turns[4]!.join()).toContain('城市户还是农村户');
    expect(session!.answers.area).toBe('urban');
  });
  it('restart starts over once confirmed', async () => {
    const { session, all } = await chat(['你好', '1', '1', '农村', '重新开始', '1']);
    expect(all).toContain('回答会全部清除');
    expect(all).toContain('我们从头开始');
    expect(session!.answers).toEqual({});
  });
  it('language offers the three languages and switches', async () => {
    const { session, turns } = await chat(['你好', '语言', '2']);
    expect(turns[1]!.join()).toContain('ئۇيغۇرچە');
    expect(session!.lang).toBe('ug');
  });
  it('help and why explain, then repeat the question', async () => {
    const { turns } = await chat(['你好', '1', '1', '帮助', '为什么']);
    expect(turns[3]![0]).toContain('返回');
    expect(turns[2]!.at(-1)).toContain('城市户还是农村户');
    expect(turns[4]![0]).toContain('城市和农村的低保标准不同');
  });
  it('talk to a person creates a call-back request only once a phone is given', async () => {
    const asked = await chat(['你好', '人工', '1', '1', '1', '张三']);
    expect(callbacks).toEqual([]);
    expect(asked.turns.at(-1)!.join()).toContain('请留一个联系电话');
    const { all } = await chat(['13912345678'], asked.session);
    expect(callbacks).toEqual(['s1']);
    expect(all).toContain('乡镇工作人员会打 13912345678 给您回电话');
  });
  it('delete removes the session and says what a sent referral involves', async () => {
    const first = await chat(['你好', '删除', '1']);
    expect(first.session).toBeUndefined();
    const sent = await chat([
      ...coupleZh,
      '1',
      '1',
      '张三',
      '13912345678',
      '跳过',
      '1',
      '删除',
      '13912345678',
    ]);
    expect(sent.session).toBeUndefined();
    expect(sent.turns.at(-1)!.join()).toContain('TK202611230001');
  });
  it('delete after a referral asks for the whole phone number; a wrong one deletes nothing, says no reference', async () => {
    const sent = await chat([...coupleZh, '1', '1', '张三', '13912345678', '跳过', '1']);
    const removed: string[] = [];
    deps.requestDeletion = async (reference) => {
      removed.push(reference);
      return true;
    };
    const wrong = await chat(['删除', '13900005678'], sent.session);
    expect(wrong.all).toContain('完整手机号');
    expect(wrong.all).not.toContain('TK202611230001');
    expect(wrong.session!.phase).toBe('done');
    expect(removed).toEqual([]);
    const right = await chat(['删除', '139 1234 5678'], wrong.session);
    expect(right.session).toBeUndefined();
    expect(removed).toEqual(['TK202611230001']);
  });
  it('my situation changed keeps the household and asks again what can change', async () => {
    const done = await chat([...coupleZh, '2']);
    const { session, turns } = await chat(['情况变了'], done.session);
    expect(turns[0]!.join()).toContain('45 岁的这位家人，能不能劳动');
    expect(session!.answers.members!.map((m) => m.age)).toEqual([45, 43]);
    expect(session!.answers.monthlyIncome).toBeUndefined();
  });
});

describe('when the disk cannot be written', () => {
  const diskFull = () => {
    throw new StoreWriteError('referrals', Object.assign(new Error('no space'), { code: 'ENOSPC' }));
  };
  it('says the referral was not sent, keeps the resident at the confirmation, and sends it later', async () => {
    const ready = await chat([...coupleZh, '1', '1', '张三', '13912345678', '跳过']);
    const submit = deps.submitReferral;
    deps.submitReferral = async () => diskFull();
    const failed = await chat(['1'], ready.session);
    expect(failed.all).toContain('系统暂时没能保存');
    expect(failed.all).not.toMatch(/TK\d/);
    expect(failed.session).toEqual(ready.session);
    deps.submitReferral = submit;
    const sent = await chat(['1'], failed.session);
    expect(sent.all).toContain('TK202611230001');
  });
  it('does not claim a call-back request or a deletion that was not stored', async () => {
    deps.requestCallback = async () => diskFull();
    const person = await chat(['你好', '人工', '1', '1', '1', '张三', '13912345678']);
    expect(person.turns.at(-1)!.join()).toContain('系统暂时没能保存');
    expect(person.all).not.toContain('会打 13912345678');
    expect(person.session!.phase).toBe('person_phone');
    const sent = await chat([...coupleZh, '1', '1', '张三', '13912345678', '跳过', '1']);
    deps.requestDeletion = async () => diskFull();
    const kept = await chat(['删除', '13912345678'], sent.session);
    expect(kept.all).toContain('系统暂时没能保存');
    expect(kept.session).toEqual(sent.session);
  });
});

describe('wrong answers', () => {
  it('get a hint and the same question; after three a person is offered', async () => {
    const { session, turns } = await chat(['你好', '1', '1', '火星', '火星', '火星']);
    expect(turns[3]![0]).toContain('请回复选项前面的数字');
    expect(turns[2]!.at(-1)).toContain('城市户还是农村户');
    expect(turns[4]!.join()).not.toContain('人工');
    expect(turns[5]!.join()).toContain('人工');
    expect(session!.answers.area).toBeUndefined();
  });
  it('explain an ages answer that does not match the household size', async () => {
    const { turns } = await chat(['你好', '1', '1', '农村', '3', '45 43']);
    expect(turns[5]![0]).toContain('您家有 3 口人，但我收到了 2 个年龄');
  });
});

/** Would the question now being asked accept this text as its answer? */
function acceptedBy(session: Session | undefined, text: string): boolean {
  if (!session?.current) return true; // the first message starts the conversation
  const def = steps[session.current.step];
  const options = def.options ? def.options(session.answers, deps.steps) : [];
  return readAnswer(def.kind, text, options, {
    lang: session.lang,
    answers: session.answers,
    optionWords: deps.optionWords,
  }).ok;
}

describe('nothing a resident types breaks the conversation or loses answers', () => {
  const hostile = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(
      '<script>alert(1)</script>',
      '{{7*7}}',
      '\u202E123',
      '\u200B',
      '__proto__',
      '1e309',
      '💣'.repeat(100),
      'x'.repeat(5000),
      '',
    ),
  );
  it('interleaving hostile input with the real answers still ends in the same result', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(coupleZh.length - 1), hostile), { maxLength: 6 }),
        async (noise) => {
          const at = new Map<number, string[]>();
          for (const [i, text] of noise) at.set(Math.max(1, i), [...(at.get(Math.max(1, i)) ?? []), text]);
          let session: Session | undefined;
          for (const [i, answer] of coupleZh.entries()) {
            for (const text of at.get(i) ?? []) {
              // Only text that is neither a command nor a valid answer to the question asked.
              if (readCommand(text, deps.commands) || acceptedBy(session, text)) continue;
              const before = session;
              const out = await handle(session, text, deps);
              expect(out.session).not.toBeNull();
              session = out.session!;
              expect(session.answers).toEqual(before!.answers);
              expect(session.current).toEqual(before!.current);
            }
            session = (await handle(session, answer, deps)).session!;
          }
          expect(session!.phase).toBe('results');
          expect(session!.answers.monthlyIncome).toBe(600);
          expect(session!.answers.members!.map((m) => m.age)).toEqual([45, 43]);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('programs already received', () => {
  it('reads names without mistaking a longer name for a shorter one inside it', async () => {
    const { session } = await chat([...coupleZh.slice(0, -1), '低保边缘和医疗救助']);
    expect(session!.answers.current?.sort()).toEqual(['marginal', 'medical']);
  });
  it('reads the numbers of the list', async () => {
    const { session } = await chat([...coupleZh.slice(0, -1), '1 7']);
    expect(session!.answers.current).toEqual(['dibao', 'medical']);
  });
});

describe('conversations in Uyghur and Kazakh', () => {
  const referralSteps = (name: string, skip: string) => ['1', '1', name, '13912345678', skip, '1'];
  it('Uyghur: detected from the first message, answered in Uyghur, results and a referral', async () => {
    const script = [
      'ياخشىمۇسىز، ئەڭ تۆۋەن تۇرمۇش كاپالىتى ئىلتىماس قىلماقچى',
      '1',
      '1',
      'يېزا',
      '2',
      '٤٥ ٤٣',
      '1',
      '1',
      '600 يۈەن',
      'ھەئە',
      'يوق',
      'ياق',
      'ياق',
      'يوق',
    ];
    const { session, turns, all } = await chat([...script, ...referralSteps('ئايگۈل', 'ئاتلاش')]);
    expect(session!.lang).toBe('ug');
    expect(all).toContain('668');
    expect(all).not.toMatch(/[\u4e00-\u9fff]/);
    expect(turns[0]!.join()).toMatch(/[\u0626-\u06d5]/);
    expect(turns.at(-1)!.join()).toMatch(/TK20261123\d{4}/);
    expect((await collect(referrals.values()))[0]).toMatchObject({
      name: 'ئايگۈل',
      programs: expect.arrayContaining(['dibao']),
    });
  });
  it('Kazakh: detected from the first message, answered in Kazakh, results and a referral', async () => {
    const script = [
      'سالەمەتسىز بە، ديباۋ العىم كەلەدى',
      '1',
      '1',
      'اۋىل',
      '2',
      '45 43',
      '1',
      '1',
      '600 يۋان',
      'ءيا',
      'جوق',
      'جوق',
      'جوق',
      'جوق',
    ];
    const { session, turns, all } = await chat([...script, ...referralSteps('ايگۇل', 'وتكىزۋ')]);
    expect(session!.lang).toBe('kk');
    expect(all).toContain('668');
    expect(all).not.toMatch(/[\u4e00-\u9fff]/);
    expect(turns.at(-1)!.join()).toMatch(/TK20261123\d{4}/);
    expect((await collect(referrals.values()))[0]).toMatchObject({ name: 'ايگۇل' });
  });
  it('commands work in Uyghur and Kazakh words', async () => {
    const ug = await chat(['ياخشىمۇسىز، ئائىلە', '1', '1', 'يېزا', 'قايتىش', 'شەھەر']);
    expect(ug.session!.answers.area).toBe('urban');
    const kk = await chat(['قازاق ءتىلى', 'كومەك']);
    expect(kk.turns[1]!.join()).toMatch(/[\u0600-\u06ff]/);
  });
});

describe('the optional ID number', () => {
  it('is accepted with a valid check digit, stored, and shown masked', async () => {
    const { session, turns } = await chat([
      ...coupleZh,
      '1',
      '1',
      '张三',
      '13912345678',
      '11010519491231002X',
    ]);
    expect(turns.at(-1)!.join()).toContain('110105********002X');
    expect(turns.at(-1)!.join()).not.toContain('11010519491231002X');
    expect(session!.referral!.idNumber).toBe('11010519491231002X');
  });
  it('is refused with a wrong check digit, with a hint', async () => {
    const { session, turns } = await chat([
      ...coupleZh,
      '1',
      '1',
      '张三',
      '13912345678',
      '110105194912310021',
    ]);
    expect(turns.at(-1)!.join()).toContain('身份证号好像不对');
    expect(session!.phase).toBe('referral_id');
  });
});
