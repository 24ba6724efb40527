/**
 * 特困人员救助供养 (002 §二(四)): no labour capacity, no source of income, no legal supporter
 * (or one unable to support), and elderly, disabled or under 16. Standard at least 1.3× the
 * dibao standard (1.6× in Wengyuan) plus care costs as a share of the local minimum wage.
 * It is individual: the amount counts each member who qualifies. See spec.md.
 */
import { citations, pickCitation, townshipDecidesCitations } from '../../engine/citations.ts';
import { type ScreenContext, standardName, yuan } from '../../engine/context.ts';
import { type Finding, startFinding } from '../../engine/finding.ts';
import type { Member } from '../../engine/household.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';
import type { Verdict } from '../../engine/result.ts';
import { tekunMembers } from '../../engine/tekun-members.ts';

export const tekun: ProgramRule = {
  id: 'tekun',
  after: [],
  uses: ['members', 'monthlyIncome', 'legalSupporter', 'area', 'current'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'tekun');
    const h = ctx.household;
    const receiving = h.current?.includes('tekun') === true;
    // Every path tells dibao and its supplement which members 特困 takes out (tekun-members.ts).
    const finish = (
      verdict: Verdict,
      who: readonly Member[] | undefined,
      extra?: Parameters<Finding['done']>[1],
    ) => {
      ctx.tekun = tekunMembers(receiving, verdict, who);
      return f.done(verdict, extra);
    };
    const elderly = f.param('elderly_age');
    const minor = f.param('tekun.minor_age_limit');
    if (!elderly || !minor) {
      if (!elderly) f.notConfigured('elderly_age');
      if (!minor) f.notConfigured('tekun.minor_age_limit');
      return finish('possible', undefined);
    }
    const candidates: Member[] = [];
    for (const m of h.members) if (qualifies(m, elderly.value, minor.value)) candidates.push(m);
    if (candidates.length === 0) {
      const couldBe = h.members.filter((m) => m.laborCapacity === 'none' && m.disability === undefined);
      if (couldBe.length > 0) {
        f.ask('members.disability');
        f.unknown(
          'tekun.candidate_unknown',
          { elderlyAge: elderly.value, minorAge: minor.value },
          citations.tekunCriteria,
        );
        // Whether they are disabled is not known: possibly 特困, never certainly which one.
        return finish('possible', receiving ? [] : couldBe);
      }
      f.failed(
        'tekun.no_candidate',
        { elderlyAge: elderly.value, minorAge: minor.value },
        citations.tekunCriteria,
      );
      return finish('unlikely', candidates);
    }
    f.met(
      'tekun.candidate',
      { count: candidates.length, elderlyAge: elderly.value, minorAge: minor.value },
      citations.tekunCriteria,
    );
    // Only where the seed leaves the age open (national 老年人) is 60 our reading; Tekes's own
    // plan says "60岁以上老人" (000 §五), so nothing is read into it there.
    if (elderly.gap) f.note('reading.elderly_age', { age: elderly.value }, elderly);

    let verdict: 'likely' | 'possible' = 'likely';
    if (h.legalSupporter === 'able') {
      f.failed('tekun.supporter_able', {}, citations.tekunCriteria);
      return finish('unlikely', candidates);
    }
    // A co-resident adult who can work is read as a supporter able to support, unless the
    // resident says otherwise: the questionnaire asks about supporters only when there is none.
    // Who is an adult is configuration (minor_age); without it the question stays open.
    const adult = f.param('minor_age');
    if (!adult) {
      f.notConfigured('minor_age');
      verdict = 'possible';
    }
    const workingAdult = h.members.some(
      (m) => !candidates.includes(m) && adult && m.age >= adult.value && m.laborCapacity === 'full',
    );
    if (h.legalSupporter === undefined && workingAdult) {
      f.failed('tekun.working_adult_present', {}, citations.tekunCriteria);
      return finish('unlikely', candidates);
    }
    if (h.legalSupporter === undefined) {
      f.ask('legalSupporter');
      f.unknown('tekun.supporter_unknown', {}, citations.tekunCriteria);
      verdict = 'possible';
    } else f.met(`tekun.supporter_${h.legalSupporter}`, {}, citations.tekunCriteria);

    if (h.monthlyIncome === 0) f.met('tekun.no_income', {}, citations.tekunCriteria);
    else if (ctx.size === candidates.length) {
      f.failed('tekun.has_income', { income: h.monthlyIncome }, citations.tekunCriteria);
      return finish('unlikely', candidates);
    } else {
      f.unknown('tekun.others_income', { income: h.monthlyIncome }, citations.tekunCriteria);
      verdict = 'possible';
    }
    if (receiving) f.note('program.already_receiving');
    // 003 §二(二): a person in 特困 is not also in 低保, so the resident chooses one.
    const exclusive = f.optional('dibao.excludes_tekun_recipients');
    if (exclusive?.value) f.note('tekun.not_with_dibao', {}, exclusive);
    f.note('process.township_decides', {}, pickCitation(ctx, ...townshipDecidesCitations));
    const amount = monthlyAmount(ctx, f, candidates);
    // The standard is a floor ("不低于", 002 §二(四), 004 §一): the amount is at least this.
    return finish(verdict, candidates, amount === undefined ? {} : { monthlyAmount: amount, floor: true });
  },
};

/** No labour capacity, and elderly, under the minor age limit, or disabled (002 §二(四)). */
function qualifies(m: Member, elderlyAge: number, minorLimit: number): boolean {
  return m.laborCapacity === 'none' && (m.age >= elderlyAge || m.age < minorLimit || Boolean(m.disability));
}

/** Basic living standard (multiple × dibao standard) plus the care share of the minimum wage. */
function monthlyAmount(ctx: ScreenContext, f: Finding, candidates: Member[]): number | undefined {
  const standard = f.param(standardName(ctx.household.area));
  const multiple = f.param('tekun.standard_multiple');
  if (!standard || !multiple) {
    f.notConfigured(!standard ? standardName(ctx.household.area) : 'tekun.standard_multiple');
    return undefined;
  }
  const basic = multiple.value * standard.value;
  // "不低于": the text names the whole yuan the standard is at least (659.1 → 659).
  f.met(
    'tekun.standard',
    {
      multiple: multiple.value,
      standard: standard.value,
      basic: yuan(basic),
      floorYuan: Math.floor(yuan(basic)),
      count: candidates.length,
    },
    multiple,
  );
  let total = basic * candidates.length;

  const shares = f.param('tekun.care_shares');
  const wage = f.param('local.minimum_wage_monthly');
  if (shares && wage) {
    for (const m of candidates) {
      if (m.selfCare === undefined) f.ask('members.selfCare');
      const level = m.selfCare ?? 'full';
      const care = shares.value[level] * wage.value;
      total += care;
      f.met(`tekun.care_${level}`, { wage: wage.value, care: yuan(care) }, shares);
    }
  } else if (shares && !wage) {
    f.unknown('tekun.care_not_configured', {}, shares);
  }
  return total;
}
