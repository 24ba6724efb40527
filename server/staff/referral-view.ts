/**
 * A referral as staff read it, in their language: masked contact details in lists, the
 * household answers side by side in Chinese and the resident's language, the screening result
 * recomputed from the stored answers with the standards in force on the day it was submitted.
 */
import type { TFunction } from 'i18next';
import { type Answers, toHousehold } from '../../bot/dialog/answers.ts';
import { maskId } from '../../bot/referral/contact.ts';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import { type Language, translator } from '../../locales/i18n.ts';
import { formatAmount, resultView, isReferred } from '../../rules/explain/result-view.ts';
import { cannotBeReturned } from './inbox-query.ts';
import type { StaffDeps } from './staff-deps.ts';
import type { StaffDirectory } from './staff-directory.ts';
import type { StaffUser } from './staff-records.ts';

/** 139****5678: enough to recognise a caller, not enough to call. */
export const maskPhone = (p: string) =>
  p.length >= 7 ? `${p.slice(0, 3)}${'*'.repeat(p.length - 7)}${p.slice(-4)}` : p ? '****' : '';

export const chinaDate = (iso: string) =>
  new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
export const chinaDateTime = (iso: string) =>
  new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

export function townshipName(deps: StaffDeps, county: string, township: string | undefined, lang: Language) {
  if (!township) return '';
  return deps.townships(county).find((t) => t.id === township)?.name[lang] ?? township;
}

/** @param staff the case's county's accounts (staff-directory.ts) */
export function staffName(staff: StaffDirectory, id: string | undefined, t: TFunction): string {
  if (!id) return '';
  if (id === 'resident') return t('staff.history.by_resident');
  if (id === 'system') return t('staff.history.by_system');
  return staff.get(id)?.displayName ?? id;
}

export interface Row {
  reference: string;
  kind: ReferralRecord['kind'];
  /** A call-back with no phone: nobody can return it (shown marked, never as work). */
  unreturnable: boolean;
  created: string;
  name: string;
  phone: string;
  township: string;
  village: string;
  programs: string;
  status: string;
  statusId: ReferralRecord['status'];
  assignee: string;
  channel: string;
  lang: string;
}

export function listRow(
  deps: StaffDeps,
  staff: StaffDirectory,
  r: ReferralRecord,
  lang: Language,
  full = false,
): Row {
  const t = translator(lang);
  return {
    reference: r.reference,
    kind: r.kind,
    unreturnable: cannotBeReturned(r),
    created: chinaDateTime(r.createdAt),
    name: r.name,
    phone: full ? r.phone : maskPhone(r.phone),
    township: townshipName(deps, r.jurisdiction, r.township, lang),
    village: r.village ?? '',
    programs: r.programs
      .filter((p) => isReferred(p.verdict))
      .map((p) => t(`programs.${p.id}`))
      .join(t('cli.listSeparator')),
    status: t(`staff.statuses.${r.status}`),
    statusId: r.status,
    assignee: staffName(staff, r.assignee, t) || t('staff.inbox.unassigned'),
    channel: t(`staff.channels.${r.channel}`, { defaultValue: r.channel }),
    lang: t(`staff.languages.${r.lang}`),
  };
}

/**
 * The answers as label/value lines in one language (the same words the resident saw). Every
 * answer field is shown, a "no" as well as a "yes": a caseworker must see what was answered and
 * what was not (test/server/staff/answer-lines.test.ts changes each field in turn and expects the
 * lines to change). The township is shown with the contact details, by its configured name.
 */
export function answerLines(a: Answers, lang: Language): { label: string; value: string }[] {
  const t = translator(lang);
  const sep = t('cli.listSeparator');
  const yesNo = (b: boolean | undefined) =>
    b === undefined ? t('staff.referral.unknown') : b ? t('staff.referral.yes') : t('staff.referral.no');
  const option = (key: string, v: string | undefined) =>
    v ? t(`chat.options.${key}_${v}`) : t('staff.referral.unknown');
  const field = (name: string, value: string) => `${t(`fields.${name}`)}: ${value}`;
  const lines: { label: string; value: string }[] = [];
  const add = (label: string, value: string) => lines.push({ label: t(`fields.${label}`), value });
  if (a.jurisdiction)
    add('jurisdiction', t(`jurisdictions.${a.jurisdiction}`, { defaultValue: a.jurisdiction }));
  if (a.area) add('area', option('area', a.area));
  if (a.size !== undefined)
    lines.push({ label: t('staff.case_page.household_size'), value: formatAmount(a.size, lang) });
  (a.members ?? []).forEach((m, i) => {
    const parts = [
      t('staff.referral.member', { age: m.age }),
      m.laborCapacity ? field('laborCapacity', option('capacity', m.laborCapacity)) : '',
      m.disability
        ? `${t('fields.disability')}: ${t(`chat.options.grade_${m.disability.grade}`)} ${t(`chat.options.disability_${m.disability.kind}`)}`
        : m.disability === null
          ? field('disability', t('staff.referral.none'))
          : '',
      // A ticked illness is a "yes", not the bare question.
      m.seriousIllness !== undefined ? field('seriousIllness', yesNo(m.seriousIllness)) : '',
      m.schooling ? field('schooling', option('schooling', m.schooling)) : '',
      m.selfCare ? field('selfCare', option('capacity', m.selfCare)) : '',
      m.employed !== undefined ? field('employed', yesNo(m.employed)) : '',
    ].filter(Boolean);
    lines.push({ label: t('fields.member', { n: i + 1 }), value: parts.join(sep) });
  });
  if (a.monthlyIncome !== undefined)
    add('monthlyIncome', t('web.results.monthly', { amount: formatAmount(a.monthlyIncome, lang) }));
  add('propertyWithinLimits', yesNo(a.propertyWithinLimits));
  if (a.legalSupporter) add('legalSupporter', option('supporter', a.legalSupporter));
  if (a.rigidExpenses12m) {
    const e = a.rigidExpenses12m;
    add(
      'rigidExpenses12m',
      [
        ...(['medical', 'education', 'disaster'] as const).map(
          (k) => `${t(`fields.${k}`)} ${formatAmount(e[k] ?? 0, lang)}`,
        ),
        // Only the web form's older records and the API carry accident costs: shown when given.
        ...(e.accident !== undefined ? [`${t('fields.accident')} ${formatAmount(e.accident, lang)}`] : []),
      ].join(sep),
    );
  }
  if (a.emergency !== undefined)
    add(
      'emergency',
      a.emergency
        ? [
            option('emergency', a.emergency.kind),
            `${t('fields.months')} ${formatAmount(a.emergency.months, lang)}`,
            `${t('fields.persons')} ${formatAmount(a.emergency.persons, lang)}`,
            // The consequence (生活不能自理 ...) decides the temporary-assistance amount: never dropped.
            ...(a.emergency.consequence
              ? [field('consequence', option('consequence', a.emergency.consequence))]
              : []),
          ].join(sep)
        : t('staff.referral.none'),
    );
  if (a.housingDifficulty !== undefined) add('housingDifficulty', yesNo(a.housingDifficulty));
  if (a.current)
    add('current', a.current.map((p) => t(`programs.${p}`)).join(sep) || t('staff.referral.none'));
  return lines;
}

/** The result as the resident was shown it: recomputed with the standards of the submission day. */
export function referralResult(deps: StaffDeps, r: ReferralRecord, lang: Language) {
  const result = screenedAgain(deps, r);
  return result ? resultView(translator(lang), result, lang) : undefined;
}

export function screenedAgain(deps: StaffDeps, r: ReferralRecord) {
  const household = toHousehold(r.answers as Answers, chinaDate(r.createdAt));
  const screened = household && deps.screener.screen(household);
  return screened?.ok ? screened.value : undefined;
}

/** The papers to collect at the home visit: every paper of every program still in question, once. */
export function papersToCollect(deps: StaffDeps, r: ReferralRecord, lang: Language): string[] {
  const t = translator(lang);
  const programs = screenedAgain(deps, r)?.programs.filter((p) => isReferred(p.verdict)) ?? [];
  return [...new Set(programs.flatMap((p) => p.papers))].map((id) => t(`papers.${id}`));
}

export function contactView(r: ReferralRecord, viewer: StaffUser) {
  return {
    name: r.name,
    phone: r.phone,
    // The full ID number only to a county admin; a caseworker confirms it at the home visit.
    idNumber: r.idNumber ? (viewer.role === 'county_admin' ? r.idNumber : maskId(r.idNumber)) : '',
    village: r.village ?? '',
  };
}
