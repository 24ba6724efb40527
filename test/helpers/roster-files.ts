/**
 * Rosters for the 政策找人 upload tests: a CSV with Chinese headers and values, an XLSX with
 * English headers made with exceljs, and a multipart upload through a signed-in staff client.
 */
import ExcelJS from 'exceljs';
import type { PageClient } from './browser-session.ts';

export interface RosterHousehold {
  id: string;
  township: string;
  village?: string;
  income: number;
  ages: number[];
  phone?: string;
  idNumber?: string;
  /** A cell that cannot be read (the monthly income), for the errors list. */
  badIncome?: boolean;
}

const zhHeader = [
  '户编号',
  '乡镇',
  '村',
  '县',
  '城乡',
  '月收入',
  '财产是否符合',
  '年龄',
  '劳动能力',
  '身份证号',
  '联系电话',
];
const enHeader = [
  'household_id',
  'township',
  'village',
  'jurisdiction',
  'area',
  'monthly_income',
  'property_within_limits',
  'age',
  'labor_capacity',
  'id_number',
  'phone',
];

function rows(households: RosterHousehold[], zh: boolean): (string | number)[][] {
  return households.flatMap((h) =>
    h.ages.map((age, i) =>
      i === 0
        ? [
            h.id,
            h.township,
            h.village ?? '',
            zh ? '特克斯县' : 'tekes',
            zh ? '农村' : 'rural',
            h.badIncome ? 'abc' : h.income,
            zh ? '是' : 'yes',
            age,
            zh ? '有' : 'full',
            h.idNumber ?? '',
            h.phone ?? '',
          ]
        : [h.id, '', '', '', '', '', '', age, zh ? '有' : 'full', '', ''],
    ),
  );
}

/** A CSV roster with Chinese headers and values (UTF-8 with a BOM, as Excel saves it). */
export function chineseCsv(households: RosterHousehold[]): Buffer {
  const lines = [zhHeader, ...rows(households, true)].map((r) => r.join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`);
}

/** An XLSX roster with English headers, written by exceljs. */
export async function englishXlsx(households: RosterHousehold[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('roster');
  sheet.addRow(enHeader);
  for (const r of rows(households, false)) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Posts a roster file as the upload form does (multipart, with the form's CSRF token). */
export async function uploadRoster(
  page: PageClient,
  bytes: Buffer,
  filename: string,
  type = 'application/octet-stream',
): Promise<Response> {
  await page.get('/staff/roster');
  const form = new FormData();
  form.set('_csrf', page.token());
  form.set('roster', new Blob([bytes], { type }), filename);
  const res = await fetch(`${page.base}/staff/roster`, {
    method: 'POST',
    body: form,
    headers: { cookie: page.cookieHeader() },
    redirect: 'manual',
  });
  return res;
}
