/**
 * A test-only copy of rules/ where two Tekes townships configure their office, with a clearly
 * fake phone number (0999-0000000). The shipped rules configure no office phone: a real number
 * must come from the county, never from us. Others stay unconfigured, to test that path too.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRulesDir } from '../../rules/engine/load-rule-book.ts';

export const fakeOfficePhone = '0999-0000000';
export const fakeOfficeAddress = {
  zh: '测试路1号（假地址）',
  ug: 'سىناق يولى 1 (ساختا ئادرېس)',
  kk: 'سىناق جولى 1 (جالعان مەكەنجاي)',
};
export const fakeOfficeHours = {
  zh: '周一至周五 9:30-13:30',
  ug: 'دۈشەنبە-جۈمە 9:30-13:30',
  kk: 'دۇيسەنبى-جۇما 9:30-13:30',
};

const office = (withPhone: boolean) =>
  `office: { ${withPhone ? `phone: ${fakeOfficePhone}, ` : ''}address: ${JSON.stringify(fakeOfficeAddress)}, hours: ${JSON.stringify(fakeOfficeHours)} }`;

/** The copy's directory (a new temp directory; the caller removes it). */
export function rulesWithOffices(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rules-offices-'));
  cpSync(defaultRulesDir, dir, { recursive: true });
  const tekes = join(dir, 'jurisdictions', 'tekes.yaml');
  const text = readFileSync(tekes, 'utf8')
    // 特克斯镇 and 喀拉达拉镇 have a (fake) phone; 阔克苏乡 only an address; the rest nothing.
    .replace(/(- \{ id: (?:tekes_town|karadala), name: \{[^}]*\})/g, `$1, ${office(true)}`)
    .replace(/(- \{ id: kuokesu, name: \{[^}]*\})/, `$1, ${office(false)}`);
  if (!text.includes(fakeOfficePhone)) throw new Error('the test township list changed: offices not added');
  writeFileSync(tekes, text);
  return dir;
}

/** Days per status set for this test county only (the seeds set none): new 3, contacted 7, visit_scheduled 14. */
export const testDeadlines = { new: 3, contacted: 7, visit_scheduled: 14 } as const;

/**
 * A copy of rules/ where Tekes configures overdue days for three open statuses (accepted left
 * out, to show a status without a deadline gets no mark). The caller removes the directory.
 */
export function rulesWithDeadlines(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rules-deadlines-'));
  cpSync(defaultRulesDir, dir, { recursive: true });
  const tekes = join(dir, 'jurisdictions', 'tekes.yaml');
  const text = readFileSync(tekes, 'utf8').replace(
    /^parameters:/m,
    `deadlines: ${JSON.stringify(testDeadlines)}\nparameters:`,
  );
  if (!text.includes('deadlines:')) throw new Error('tekes.yaml changed: deadlines not added');
  writeFileSync(tekes, text);
  return dir;
}
