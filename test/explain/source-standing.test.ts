/**
 * Issue 14 items 6–8 as the resident reads them: a source the county cannot call its own is
 * labelled as borrowed (never the anonymised "XX" bureau as an authority), a county's local
 * document is cited first, "not configured" lists only what the county can fill, in words,
 * programs with nothing configured are "ask your township", and the clause, tier, floor and
 * "why unlikely" texts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { translator } from '../../locales/i18n.ts';
import {
  citations,
  pickCitation,
  propertyCitations,
  townshipDecidesCitations,
} from '../../rules/engine/citations.ts';
import type { ScreenContext } from '../../rules/engine/context.ts';
import { documentsOf, registerDocuments } from '../../rules/engine/documents.ts';
import type { Household } from '../../rules/engine/household.ts';
import { defaultRulesDir, loadRuleBook } from '../../rules/engine/load-rule-book.ts';
import type { ProgramResult, ScreenResult } from '../../rules/engine/result.ts';
import { RuleFileError } from '../../rules/engine/rule-file-error.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { clauseLabel, isReferred, programView, resultView } from '../../rules/explain/result-view.ts';
import { textTemplates } from '../../templates/render.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const langs = ['zh', 'ug', 'kk'] as const;
const XX = '002_ad5741657ba6fee7.txt';
const TEKES = '000_7e61b05d1b9914e4.txt';

const widow = {
  jurisdiction: 'tekes',
  date: '2026-11-23',
  area: 'rural',
  monthlyIncome: 0,
  propertyWithinLimits: true,
  legalSupporter: 'none',
  members: [
    { age: 72, laborCapacity: 'none', selfCare: 'partial', disability: { grade: 2, kind: 'physical' } },
  ],
};
const wengyuan4 = {
  jurisdiction: 'wengyuan',
  date: '2026-11-23',
  area: 'rural',
  monthlyIncome: 2000,
  propertyWithinLimits: true,
  members: [
    { age: 45, laborCapacity: 'full' },
    { age: 43, laborCapacity: 'full' },
    { age: 15, laborCapacity: 'none' },
    { age: 12, laborCapacity: 'none' },
  ],
};
const escapeRe = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const screen = (h: unknown): ScreenResult => {
  const r = screener.screen(h);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};

describe('sources: own, local, borrowed (item 6)', () => {
  const saved = documentsOf('tekes');
  afterEach(() => registerDocuments('tekes', saved));

  it.each(
    langs,
  )('the Tekes widow (%s): only Tekes 000 is cited as own; every other source is labelled borrowed', (lang) => {
    const t = translator(lang);
    const r = screen(widow);
    const view = resultView(t, r, lang);
    let borrowed = 0;
    for (const p of view.programs) {
      const raw = r.programs.find((x) => x.id === p.id)!;
      raw.reasons.forEach((reason, i) => {
        const s = p.reasons[i]!.source;
        if (!reason.source) {
          expect(s).toBeUndefined();
          return;
        }
        const words = {
          document: t(`documents.${reason.source.file}`),
          clause: clauseLabel(reason.source.clause, lang),
        };
        if (reason.source.file === TEKES) {
          expect(s).toEqual({ standing: 'own', text: t('sources.own', words) });
        } else {
          borrowed++;
          expect(s).toEqual({ standing: 'borrowed', text: t('sources.borrowed', words) });
        }
      });
    }
    expect(borrowed).toBeGreaterThan(3);
    const text = textTemplates().render('cli/result.njk', { t, view });
    // Every printed line naming another place's document carries the borrowed label.
    const elsewhere = [
      '001_299b8fb7a515ed1f.txt',
      XX,
      '003_02de095244a51ad9.txt',
      '004_3c5a3db425884a3d.txt',
    ];
    for (const line of text.split('\n'))
      if (elsewhere.some((f) => line.includes(t(`documents.${f}`))))
        expect(line.trim()).toMatch(
          new RegExp(`^${escapeRe(t('sources.borrowed', { document: '', clause: '' }).slice(0, 6))}`),
        );
    expect(text).not.toMatch(/第[^\s]*条/);
    expect(text).not.toContain('XX');
  });

  it.each(langs)('002 is never printed as an authority (%s): no "XX", always the borrowed label', (lang) => {
    const t = translator(lang);
    for (const h of [widow, wengyuan4]) {
      const view = resultView(t, screen(h), lang);
      const sources = view.programs.flatMap((p) => p.reasons.flatMap((r) => (r.source ? [r.source] : [])));
      const xx = sources.filter((s) => s.text.includes(t(`documents.${XX}`)));
      expect(xx.length).toBeGreaterThan(0);
      for (const s of xx) {
        expect(s.standing).toBe('borrowed');
        expect(s.text).not.toContain('XX');
      }
    }
    expect(t(`documents.${XX}`)).not.toContain('XX');
  });

  it('a local document that replaces a seed clause is cited by its own title and clause, and listed first', () => {
    registerDocuments('tekes', {
      own: [TEKES],
      local: [
        {
          id: 'tekes_tekun_2025',
          title: {
            zh: '特克斯县特困人员救助供养实施细则',
            ug: 'تېكەس ئالاھىدە قىيىنچىلىق',
            kk: 'تەكەس ەرەكشە قيىنشىلىق',
          },
          replaces: [{ file: XX, clause: '二(四)' }],
          clauses: { '二(四)': '三(一)' },
        },
      ],
    });
    const t = translator('zh');
    const tekun = resultView(t, screen(widow), 'zh').programs.find((p) => p.id === 'tekun')!;
    const local = tekun.reasons.filter((r) => r.source?.standing === 'local');
    expect(local.length).toBeGreaterThan(0);
    expect(local[0]!.source!.text).toBe('依据：《特克斯县特困人员救助供养实施细则》三、（一）');
    expect(tekun.documents[0]!.standing).toBe('local');
    expect(tekun.documents.at(-1)!.standing).toBe('borrowed');
  });

  it('pickCitation takes the county’s own text for property and "township decides", else the first', () => {
    const ctx = (jurisdiction: string) => ({ household: { jurisdiction } as Household }) as ScreenContext;
    expect(pickCitation(ctx('tekes'), ...propertyCitations)).toBe(citations.propertyTekes);
    expect(pickCitation(ctx('qitai'), ...propertyCitations)).toBe(citations.propertyQitai);
    expect(pickCitation(ctx('wengyuan'), ...propertyCitations)).toBe(citations.propertyWengyuan);
    expect(pickCitation(ctx('jilin'), ...propertyCitations)).toBe(citations.dibaoProperty);
    expect(pickCitation(ctx('tekes'), ...townshipDecidesCitations)).toBe(citations.townshipDecidesTekes);
    expect(pickCitation(ctx('jilin'), ...townshipDecidesCitations)).toBe(citations.townshipDecidesJilin);
    expect(pickCitation(ctx('wengyuan'), ...townshipDecidesCitations)).toBe(
      citations.noDecisionWithoutProcess,
    );
    expect(pickCitation(ctx('nowhere'), ...propertyCitations)).toBe(citations.dibaoProperty);
  });

  it('refuses a jurisdiction that calls an unknown seed its own or replaces one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      cpSync(defaultRulesDir, dir, { recursive: true });
      const p = join(dir, 'jurisdictions/tekes.yaml');
      const text = readFileSync(p, 'utf8');
      writeFileSync(p, text.replace(`own: [${TEKES}]`, 'own: [009_0000000000000000.txt]'));
      expect(() => loadRuleBook(dir)).toThrow(RuleFileError);
      expect(() => loadRuleBook(dir)).toThrow(/documents\.own\.0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      loadRuleBook();
    }
  });
});

describe('not configured and "ask your township" (item 7)', () => {
  it.each(
    langs,
  )('Wengyuan 4 at 2,000 (%s): the five special programs are asked at the township, not "possible"', (lang) => {
    const t = translator(lang);
    const view = resultView(t, screen(wengyuan4), lang);
    const five = ['medical', 'education', 'housing', 'employment', 'disaster'];
    expect(view.programs.map((p) => p.id).filter((id) => five.includes(id))).toEqual([]);
    expect(view.askTownship).toBe(five.map((id) => t(`programs.${id}`)).join(t('cli.listSeparator')));
    // No parameter id reaches the resident.
    const text = textTemplates().render('cli/result.njk', { t, view });
    expect(text).not.toMatch(/[a-z_]+\.[a-z_]+/);
    expect(text).toContain(t('cli.askTownship', { names: view.askTownship }));
  });

  it('"ask" is not referred: referrals, inbox and papers cover likely and possible only', () => {
    expect(['likely', 'possible', 'ask', 'unlikely'].filter((v) => isReferred(v as never))).toEqual([
      'likely',
      'possible',
    ]);
  });

  it.each(
    langs,
  )('a value not configured is named in words (%s): Jilin 2019, who is a minor is not set', (lang) => {
    const t = translator(lang);
    const jilin2019 = {
      jurisdiction: 'jilin',
      date: '2019-06-01',
      area: 'rural',
      monthlyIncome: 0,
      propertyWithinLimits: true,
      members: [
        { age: 80, laborCapacity: 'none' },
        { age: 45, laborCapacity: 'full' },
      ],
    };
    const r = screen(jilin2019);
    // 003 §三(三)'s supplement names 未成年人, and no age is configured for 2019.
    expect(r.programs.flatMap((p) => p.reasons)).toContainEqual(
      expect.objectContaining({ key: 'parameter.not_configured', params: { parameter: 'minor_age' } }),
    );
    const text = textTemplates().render('cli/result.njk', { t, view: resultView(t, r, lang) });
    expect(text).toContain(t('parameters.minor_age'));
    expect(text).not.toContain(t('parameters.unnamed'));
    expect(text).not.toMatch(/[a-z_]+\.[a-z_]+/);
  });

  it('lists only values the county can fill, in words; other places’ rules are left out', () => {
    const t = translator('zh');
    const p = {
      ...screen(widow).programs.find((x) => x.id === 'temporary')!,
      missing: ['temporary.pending_application_months', 'local.minimum_wage_monthly'],
    } as ProgramResult;
    expect(programView(t, p, 'zh', 'tekes').missing).toBe(t('parameters.local.minimum_wage_monthly'));
    const q = { ...p, missing: ['dibao.medical_expense_deduction'] } as ProgramResult;
    expect(programView(t, q, 'zh', 'tekes').missing).toBeUndefined();
  });
});

describe('view texts (item 8)', () => {
  it('clauses carry the seed’s own heading marks in Chinese, digits in ug/kk, never "第…条"', () => {
    expect(clauseLabel('三(二)', 'zh')).toBe('三、（二）');
    expect(clauseLabel('三(九)1', 'zh')).toBe('三、（九）1.');
    expect(clauseLabel('三、四', 'zh')).toBe('三、四');
    expect(clauseLabel('四', 'zh')).toBe('四');
    expect(clauseLabel('三(二)', 'ug')).toBe('3(2)');
    expect(clauseLabel('十二(三)', 'kk')).toBe('12(3)');
  });

  it.each(langs)('a floor amount is "at least", rounded down to the yuan (%s)', (lang) => {
    const t = translator(lang);
    // The widow's own 特困 result is a floor: 1.3 × 507 = 659.1 (002 二(四) "不低于"), shown as "at least 659".
    const tekun = screen(widow).programs.find((x) => x.id === 'tekun')!;
    expect(tekun).toMatchObject({ verdict: 'likely', monthlyAmount: 659.1, floor: true });
    const view = resultView(t, screen(widow), lang);
    const v = view.programs.find((p) => p.id === 'tekun')!;
    expect(v.monthlyAmount).toBe('659');
    const text = textTemplates().render('cli/result.njk', { t, view });
    expect(text).toContain(t('cli.monthlyFloor', { amount: '659' }));
    // The same amount without the floor mark is an estimate, printed as computed.
    const { floor: _floor, ...estimate } = tekun;
    expect(programView(t, estimate, lang, 'tekes').monthlyAmount).toBe('659.1');
    expect(t('cli.monthlyFloor', { amount: '659' })).not.toBe(t('cli.monthly', { amount: '659' }));
  });

  it.each(
    langs,
  )('the widow’s 低保 is "one of these, not both", with no amount or tier of its own (%s)', (lang) => {
    const t = translator(lang);
    const dibao = resultView(t, screen(widow), lang).programs.find((p) => p.id === 'dibao')!;
    expect(dibao.verdict).toBe('possible');
    expect(dibao.monthlyAmount).toBeUndefined();
    expect(dibao.amount).toBeUndefined();
    expect(dibao.tier).toBeUndefined();
    // 特困 is the higher: its floor (659, rounded down) beside 低保's A band (507), never added.
    expect(dibao.reasons.map((r) => r.text)).toContain(
      t('reasons.dibao.instead_of_tekun', { tekunFloor: '659', dibaoAmount: '507' }),
    );
  });

  it.each(langs)('tiers are named in words and said to be decided by the township (%s)', (lang) => {
    const t = translator(lang);
    // With a supporter able to support, 特困 is unlikely and 低保 alone applies: 0 income, no
    // labour, partly unable to care for herself → A band (000 三(一)), 507.
    const dibao = resultView(t, screen({ ...widow, legalSupporter: 'able' }), lang).programs.find(
      (p) => p.id === 'dibao',
    )!;
    expect(dibao.tier).toBe(t('tiers.A'));
    expect(dibao.monthlyAmount).toBe('507');
    // Not the bare letter: the seed's name for the band ("极度困难家庭"), the letter beside it.
    expect(t('tiers.A')).toContain('A');
    expect(t('tiers.A').length).toBeGreaterThan(8);
    if (lang === 'zh') expect(t('tiers.A')).toBe('极度困难家庭（A档）');
    const text = textTemplates().render('cli/result.njk', {
      t,
      view: resultView(t, screen({ ...widow, legalSupporter: 'able' }), lang),
    });
    expect(text).toContain(t('cli.tier', { tier: t('tiers.A') }));
  });

  it.each(langs)('an unlikely program says why (%s): single-person dibao for the widow', (lang) => {
    const t = translator(lang);
    const view = resultView(t, screen(widow), lang);
    const single = view.unlikely.find((u) => u.name === t('programs.dibao_single'))!;
    expect(single.why).toBeTruthy();
    expect(single.why).not.toMatch(/^reasons\./);
  });
});
