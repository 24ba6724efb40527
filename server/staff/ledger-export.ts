/**
 * The township ledger (台账) as XLSX or CSV: the inbox query's rows, headers in the staff
 * member's language, phone and ID numbers masked unless a county admin asks for them in full.
 * Every text cell goes through safeCell, so "=HYPERLINK(...)" in a name stays text.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { maskId } from '../../bot/referral/contact.ts';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import { type Language, translator } from '../../locales/i18n.ts';
import { safeCell } from '../../rules/cli/roster/safe-cell.ts';
import { chinaDateTime, maskPhone, staffName, townshipName } from './referral-view.ts';
import type { StaffDeps } from './staff-deps.ts';
import { isReferred } from '../../rules/explain/result-view.ts';

const columns = [
  'reference',
  'kind',
  'created',
  'name',
  'phone',
  'id_number',
  'township',
  'village',
  'programs',
  'departments',
  'status',
  'assignee',
  'channel',
  'lang',
] as const;

function header(lang: Language): string[] {
  const t = translator(lang);
  const label: Record<(typeof columns)[number], string> = {
    reference: t('staff.inbox.reference'),
    kind: t('staff.inbox.kind'),
    created: t('staff.inbox.created'),
    name: t('staff.inbox.name'),
    phone: t('staff.inbox.phone'),
    id_number: t('staff.referral.id_number'),
    township: t('staff.inbox.township'),
    village: t('staff.inbox.village'),
    programs: t('staff.inbox.programs'),
    departments: t('staff.referral.department', { department: '' }).replace(/[:：]\s*$/, ''),
    status: t('staff.inbox.status'),
    assignee: t('staff.inbox.assignee'),
    channel: t('staff.inbox.channel'),
    lang: t('staff.inbox.lang'),
  };
  return columns.map((c) => label[c]);
}

function row(deps: StaffDeps, r: ReferralRecord, lang: Language, full: boolean): (string | number)[] {
  const t = translator(lang);
  const sep = t('cli.listSeparator');
  const open = r.programs.filter((p) => isReferred(p.verdict));
  return [
    r.reference,
    t(`staff.inbox.kind_${r.kind}`),
    chinaDateTime(r.createdAt),
    r.name,
    full ? r.phone : maskPhone(r.phone),
    r.idNumber ? (full ? r.idNumber : maskId(r.idNumber)) : '',
    townshipName(deps, r.jurisdiction, r.township, lang),
    r.village ?? '',
    open.map((p) => `${t(`programs.${p.id}`)} (${t(`verdicts.${p.verdict}`)})`).join(sep),
    [
      ...new Set(open.map((p) => (p.department ? t(`departments.${p.department}`) : '')).filter(Boolean)),
    ].join(sep),
    t(`staff.statuses.${r.status}`),
    staffName(deps, r.assignee, t),
    t(`staff.channels.${r.channel}`, { defaultValue: r.channel }),
    t(`staff.languages.${r.lang}`),
  ].map((v) => safeCell(v));
}

export async function ledgerXlsx(deps: StaffDeps, items: ReferralRecord[], lang: Language, full: boolean) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(translator(lang)('staff.inbox.title'), {
    views: [{ state: 'frozen', ySplit: 1, rightToLeft: lang !== 'zh' }],
  });
  sheet.addRow(header(lang)).font = { bold: true };
  for (const r of items) sheet.addRow(row(deps, r, lang, full));
  sheet.columns.forEach((c) => {
    c.width = 16;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** UTF-8 with a byte-order mark, so Excel and WPS open the Chinese and Arabic script correctly. */
export function ledgerCsv(deps: StaffDeps, items: ReferralRecord[], lang: Language, full: boolean): string {
  return `\ufeff${stringify([header(lang), ...items.map((r) => row(deps, r, lang, full))])}`;
}
