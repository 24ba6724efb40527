/**
 * 特困人员救助供养 (002 §二(四)): no labour capacity, no source of income, no legal supporter
 * (or one unable to support), and elderly, disabled or under 16. Standard at least 1.3× the
 * dibao standard (1.6× in Wengyuan) plus care costs as a share of the local minimum wage.
 * It is individual: the amount counts each member who qualifies. See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { type ScreenContext, standardName, yuan } from '../../engine/context.ts';
import { type Finding, startFinding } from '../../engine/finding.ts';
import type { Member } from '../../engine/household.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

export const tekun: ProgramRule = {
  id: 'tekun',
  after: [],
  uses: ['members', 'monthlyIncome', 'legalSupporter', 'area', 'current'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'tekun');
    const h = ctx.household;
    const elderly = f.param('elderly_age');
    const minor = f.param('tekun.minor_age_limit');
    if (!elderly || !minor) {
      if (!elderly) f.notConfigured('elderly_age');
      if (!minor) f.notConfigured('tekun.minor_age_limit');
      return f.done('possible');
    }
    const candidates: Member[] = [];
    for (const m of h.members) if (qualifies(m, elderly.value, minor.value)) candidates.push(m);
    if (candidates.length === 0) {
      const couldBe = h.members.some((m) => m.laborCapacity === 'none' && m.disability === undefined);
      if (couldBe) {
        f.ask('members.disability');
        f.unknown(
          'tekun.candidate_unknown',
          { elderlyAge: elderly.value, minorAge: minor.value },
          citations.tekunCriteria,
        );
        return f.done('possible');
      }
      f.failed(
        'tekun.no_candidate',
        { elderlyAge: elderly.value, minorAge: minor.value },
        citations.tekunCriteria,
      );
      return f.done('unlikely');
    }
    f.met(
      'tekun.candidate',
      { count: candidates.length, elderlyAge: elderly.value, minorAge: minor.value },
      citations.tekunCriteria,
    );
    f.note('reading.elderly_age', { age: elderly.value }, elderly);

    let verdict: 'likely' | 'possible' = 'likely';
    if (h.legalSupporter === 'able') {
      f.failed('tekun.supporter_able', {}, citations.tekunCriteria);
      return f.done('unlikely');
    }
    // A co-resident adult who can work is read as a supporter able to support, unless the
    // resident says otherwise: the questionnaire asks about supporters only when there is none.
    const adult = f.param('minor_age')?.value ?? 18;
    const workingAdult = h.members.some(
      (m) => !candidates.includes(m) && m.age >= adult && m.laborCapacity === 'full',
    );
    if (h.legalSupporter === undefined && workingAdult) {
      f.failed('tekun.working_adult_present', {}, citations.tekunCriteria);
      return f.done('unlikely');
    }
    if (h.legalSupporter === undefined) {
      f.ask('legalSupporter');
      f.unknown('tekun.supporter_unknown', {}, citations.tekunCriteria);
      verdict = 'possible';
    } else f.met(`tekun.supporter_${h.legalSupporter}`, {}, citations.tekunCriteria);

    if (h.monthlyIncome === 0) f.met('tekun.no_income', {}, citations.tekunCriteria);
    else if (ctx.size === candidates.length) {
      f.failed('tekun.has_income', { income: h.monthlyIncome }, citations.tekunCriteria);
      return f.done('unlikely');
    } else {
      f.unknown('tekun.others_income', { income: h.monthlyIncome }, citations.tekunCriteria);
      verdict = 'possible';
    }
    if (h.current?.includes('tekun')) f.note('program.already_receiving');
    f.note('process.township_decides', {}, citations.noDecisionWithoutProcess);
    return f.done(verdict, { ...monthlyAmount(ctx, f, candidates) });
  },
};

/** No labour capacity, and elderly, under the minor age limit, or disabled (002 §二(四)). */
function qualifies(m: Member, elderlyAge: number, minorLimit: number): boolean {
  return m.laborCapacity === 'none' && (m.age >= elderlyAge || m.age < minorLimit || Boolean(m.disability));
}

/** Basic living standard (multiple × dibao standard) plus the care share of the minimum wage. */
function monthlyAmount(ctx: ScreenContext, f: Finding, candidates: Member[]): { monthlyAmount?: number } {
  const standard = f.param(standardName(ctx.household.area));
  const multiple = f.param('tekun.standard_multiple');
  if (!standard || !multiple) {
    f.notConfigured(!standard ? standardName(ctx.household.area) : 'tekun.standard_multiple');
    return {};
  }
  const basic = multiple.value * standard.value;
  f.met(
    'tekun.standard',
    { multiple: multiple.value, standard: standard.value, basic: yuan(basic), count: candidates.length },
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
  return { monthlyAmount: total };
}
