/**
 * 低保 (minimum living guarantee): per-capita income below the local standard and property
 * within the local limits. Amount by Tekes tier where the county tiers, else by the national
 * difference method. Routes for households just above the standard: Jilin's medical-expense
 * deduction, the national rigid-expense deduction, and gradual exit. See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { any, isSevereDisability, type ScreenContext, standardName, yuan } from '../../engine/context.ts';
import { type Finding, startFinding } from '../../engine/finding.ts';
import type { Member } from '../../engine/household.ts';
import type { ResolvedParameter } from '../../engine/parameter-table.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';
import { readTekesTier } from './tekes-tier.ts';

/** Schooling whose costs 002 §二(二) lets a county deduct (高中, 中职, 高等教育). */
const postCompulsory = new Set(['high_school', 'vocational', 'higher']);

export const dibao: ProgramRule = {
  id: 'dibao',
  after: ['tekun'],
  uses: ['area', 'members', 'monthlyIncome', 'propertyWithinLimits', 'current', 'rigidExpenses12m'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'dibao');
    const h = ctx.household;
    const current = h.current ?? [];

    const excludes = f.param('dibao.excludes_tekun_recipients');
    if (excludes?.value && current.includes('tekun') && ctx.size === 1) {
      f.failed('dibao.tekun_recipient', {}, excludes);
      return f.done('unlikely');
    }
    if (!h.propertyWithinLimits) {
      f.failed('dibao.property_over', {}, citations.dibaoProperty);
      return f.done('unlikely');
    }
    f.met('dibao.property_within', {}, citations.dibaoProperty);

    const standard = f.param(standardName(h.area));
    if (!standard) {
      f.notConfigured(standardName(h.area));
      return f.done('possible');
    }
    const std = standard.value;
    if (current.includes('dibao')) f.note('program.already_receiving');

    if (ctx.perCapita < std) {
      f.met(
        'dibao.income_below_standard',
        { perCapita: ctx.perCapita, standard: std, size: ctx.size },
        standard,
      );
      f.note('process.township_decides', {}, citations.noDecisionWithoutProcess);
      return amountFor(ctx, f, std, ctx.perCapita);
    }
    f.failed(
      'dibao.income_not_below_standard',
      { perCapita: ctx.perCapita, standard: std, size: ctx.size },
      standard,
    );
    return aboveStandard(ctx, f, std);
  },
};

/** Routes that can still lead to dibao when per-capita income is at or above the standard. */
function aboveStandard(ctx: ScreenContext, f: Finding, std: number) {
  const h = ctx.household;
  const spend = h.rigidExpenses12m;

  // Jilin 003 §三(二): annual income minus self-paid medical costs, negative counts as zero.
  const jilin = f.param('dibao.medical_expense_deduction');
  if (jilin && spend?.medical !== undefined && spend.medical > 0) {
    const computedAnnual = Math.max(0, ctx.annualIncome - spend.medical);
    const computedPerCapita = computedAnnual / 12 / ctx.size;
    if (computedPerCapita < std) {
      f.met(
        'dibao.medical_deduction',
        {
          annual: ctx.annualIncome,
          medical: spend.medical,
          perCapita: yuan(computedPerCapita),
          standard: std,
          months: jilin.value.months,
        },
        jilin,
      );
      f.note('process.township_decides', {}, citations.noDecisionWithoutProcess);
      f.note('dibao.medical_deduction_amount', {}, citations.jilinDeductionAmount);
      return f.done('likely', { monthlyAmount: (std - computedPerCapita) * ctx.size });
    }
  } else if (jilin && spend?.medical === undefined) {
    f.ask('rigidExpenses12m.medical');
  }

  // National 002 §二(二): rigid medical or schooling spending above 2 × last year's income.
  const multiple = f.param('dibao.expense_deduction_multiple');
  let possibleRoute = false;
  if (multiple) {
    if (!spend) f.ask('rigidExpenses12m');
    else {
      const schooling = h.members.some((m) => m.schooling !== undefined && postCompulsory.has(m.schooling))
        ? (spend.education ?? 0)
        : 0;
      const rigid = (spend.medical ?? 0) + schooling;
      if (rigid > 0 && rigid > multiple.value * ctx.annualIncome) {
        f.unknown(
          'dibao.expense_deduction_possible',
          { spending: rigid, annual: ctx.annualIncome, multiple: multiple.value },
          multiple,
        );
        possibleRoute = true;
      }
    }
  }

  // Gradual exit for households already on dibao whose income rose.
  if (h.current?.includes('dibao')) {
    const tapered = f.param('dibao.gradual_exit_tapered');
    if (tapered && ctx.perCapita < tapered.value.incomeMultiple * std) {
      f.unknown(
        'dibao.gradual_exit_tapered',
        { limit: tapered.value.incomeMultiple * std, reduction: tapered.value.annualReduction * 100 },
        tapered,
      );
      possibleRoute = true;
    }
    const months = f.param('dibao.gradual_exit_months');
    if (months) {
      f.unknown('dibao.gradual_exit', { months: months.value }, months);
      possibleRoute = true;
    }
  }
  return f.done(possibleRoute ? 'possible' : 'unlikely');
}

function amountFor(ctx: ScreenContext, f: Finding, std: number, perCapita: number) {
  const h = ctx.household;
  const classes = f.param('dibao.classes');
  const tiers = classes?.value === false ? f.param('dibao.tiers') : undefined;
  if (tiers) {
    if (classes) f.note('dibao.tekes.tiered', {}, classes);
    return tekesAmount(ctx, f, tiers, perCapita);
  }

  // National classes (002 §二(一)): class 1 gets the full standard, classes 2 and 3 the difference;
  // with no income the difference is the full standard, so one formula pays all three.
  const cls =
    h.members.every((m) => m.laborCapacity === 'none') && h.monthlyIncome === 0
      ? '1'
      : h.members.some((m) => m.laborCapacity === 'full')
        ? '3'
        : '2';
  if (classes?.value) f.note(`dibao.class_${cls}`, {}, classes);
  const monthly = (std - perCapita) * ctx.size;
  f.met(
    'dibao.amount_difference',
    { standard: std, perCapita, size: ctx.size, amount: yuan(monthly) },
    citations.dibaoDifference,
  );
  return f.done('likely', { tier: classes?.value ? cls : undefined, monthlyAmount: monthly });
}

function tekesAmount(
  ctx: ScreenContext,
  f: Finding,
  tiers: ResolvedParameter<'dibao.tiers'>,
  perCapita: number,
) {
  const h = ctx.household;
  const severe = f.param('severe_disability');
  const elderlyAge = f.param('elderly_age');
  const minorAge = f.param('minor_age');
  const aConditions = any(h.members, (m) => aCondition(m, severe?.value));
  const vulnerable = any(h.members, (m) =>
    vulnerableMember(m, elderlyAge?.value ?? 60, minorAge?.value ?? 18),
  );
  const reading = readTekesTier(perCapita, h.area, aConditions, vulnerable, tiers.value);
  if (reading.uncertain) {
    f.ask('members.disability');
    f.ask('members.seriousIllness');
  }
  const perPerson = tiers.value.amounts[reading.tier][h.area];
  const band = reading.tier === 'A' ? undefined : tiers.value.bands[reading.tier][h.area];
  const cite =
    reading.tier === 'A'
      ? citations.tekesTierA
      : reading.tier === 'B'
        ? citations.tekesTierB
        : citations.tekesTierC;
  f.met(
    `dibao.tekes.${reading.basis}`,
    { tier: reading.tier, perCapita: yuan(perCapita), low: band?.[0] ?? 0, high: band?.[1] ?? 0 },
    cite,
  );
  if (reading.sharedBoundary)
    f.note('dibao.tekes.shared_boundary', { perCapita: yuan(perCapita), tier: reading.tier }, tiers);
  if (reading.basis.startsWith('gap_')) {
    f.note('dibao.tekes.gap_reading', {}, tiers);
  }
  if (reading.tier !== 'A' && perCapita === 0) f.note('dibao.tekes.a_possible', {}, citations.tekesTierA);
  if (elderlyAge && reading.tier === 'B' && vulnerable === true)
    f.note('reading.elderly_age', { age: elderlyAge.value }, elderlyAge);
  const monthly = perPerson * ctx.size;
  f.met('dibao.tekes.amount', { tier: reading.tier, perPerson, size: ctx.size, amount: monthly }, tiers);

  const fourGroups = f.param('dibao.four_groups_supplement');
  if (fourGroups && vulnerable !== false) {
    f.note(
      'dibao.tekes.no_four_groups',
      {
        elderOrMinor: fourGroups.value.formerAmounts.elderOrMinor,
        illnessOrDisability: fourGroups.value.formerAmounts.illnessOrDisability,
      },
      fourGroups,
    );
  }
  f.note('dibao.tekes.township_sets_tier', {}, citations.tekesHomeVisit);
  f.note('dibao.tekes.public_notice', {}, citations.tekesPublicNotice);
  return f.done('likely', { tier: reading.tier, monthlyAmount: monthly });
}

function aCondition(m: Member, severe: Parameters<typeof isSevereDisability>[1] | undefined) {
  if (m.seriousIllness === true) return true;
  if (m.disability && severe && isSevereDisability(m, severe)) return true;
  if (m.seriousIllness === undefined || m.disability === undefined) return undefined;
  return false;
}

/** 000 §三(二): partly without labour or self-care capacity through age, minority, disability or illness. */
function vulnerableMember(m: Member, elderlyAge: number, minorAge: number) {
  if (m.age >= elderlyAge || m.age < minorAge) return true;
  if (m.disability || m.seriousIllness === true) return true;
  if (m.laborCapacity !== 'full' || (m.selfCare !== undefined && m.selfCare !== 'full')) return true;
  if (m.disability === undefined || m.seriousIllness === undefined) return undefined;
  return false;
}
