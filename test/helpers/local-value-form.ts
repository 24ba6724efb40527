/**
 * A county admin's new local value as the form posts it: the form opened, the value and its
 * source posted, and, when the rule cases' changes are listed for a look first, confirmed as
 * the admin would. Used wherever a test needs a local value saved through the page.
 */
import type { PageClient } from './browser-session.ts';

/** A made-up Tekes minimum-wage document: the source a test value cites. */
export const testWageSource = {
  title: '特克斯县测试用最低工资文件（假）',
  issuer: '测试机关',
  clause: '第二条',
  quote: '最低工资标准为每月1900元（测试）',
};

/** `fields`: parameter, value, from, and the source (testWageSource unless given). */
export async function saveLocalValue(
  admin: PageClient,
  fields: { parameter: string } & Record<string, string>,
) {
  const posted: Record<string, string> = { ...testWageSource, ...fields };
  await admin.get(`/staff/local-values/new?parameter=${fields.parameter}`);
  let res = await admin.post('/staff/local-values', posted);
  if (res.status === 200 && admin.last.includes('id="changed-cases"'))
    res = await admin.post('/staff/local-values', { ...posted, confirm: 'yes' });
  return res;
}
