/**
 * An audit entry in words (issue 16 item 8): an account that is no longer there is called a
 * deleted account, never shown by its id; the stored notes are put into the admin's language.
 */
import { describe, expect, it } from 'vitest';
import kkStaff from '../../../locales/kk/staff.json' with { type: 'json' };
import zhStaff from '../../../locales/zh/staff.json' with { type: 'json' };
import { type Language, translator } from '../../../locales/i18n.ts';
import type { AuditEntry } from '../../../server/staff/audit-log.ts';
import { type AuditViewContext, auditRow } from '../../../server/staff/audit-view.ts';
import type { StaffUser } from '../../../server/staff/staff-records.ts';

const gone = '0f1e2d3c-4b5a-4697-8877-665544332211';
const here = { id: 'a1b2c3d4-0000-4000-8000-000000000001', username: 'karadala1', displayName: '王老师' };

const context = (lang: Language): AuditViewContext => ({
  t: translator(lang),
  lang,
  county: 'tekes',
  user: (id) => (id === here.id ? (here as StaffUser) : undefined),
  township: (_, township) => (township === 'karadala' ? '喀拉达拉镇' : township),
});

const entry = (e: Partial<AuditEntry>): AuditEntry => ({
  seq: 7,
  at: '2026-12-01T16:30:00.000Z',
  by: here.id,
  action: 'view',
  target: 'TE-7K3M9P2Q',
  county: 'tekes',
  prev: '',
  hash: '',
  ...e,
});

describe('an audit entry in words', () => {
  it('names a deleted account as such, actor and target, never by its id', () => {
    const row = auditRow(context('zh'), entry({ by: gone, action: 'user_disable', target: gone }));
    expect(row.who).toBe(zhStaff.audit.deleted_account);
    expect(row.target).toBe(zhStaff.audit.deleted_account);
    expect(JSON.stringify(row)).not.toContain(gone);
  });

  it('an account by its name and username, the time in China', () => {
    const row = auditRow(context('zh'), entry({}));
    expect(row).toMatchObject({ who: '王老师（karadala1）', at: '2026-12-02 00:30', action: '查看' });
  });

  it.each([
    ['status', 'accepted -> declined', '状态：已受理申请 → 未批准'],
    ['outcome', 'dibao: approved', '最低生活保障（低保）：批准'],
    ['export_full', '12 rows', '12 行'],
    ['anonymised', 'retention 365 days', '保存期满 365 天'],
    ['user_township', 'karadala1 - → karadala', 'karadala1：未填乡镇 → 喀拉达拉镇'],
    ['user_reset_password', 'karadala1 (admin CLI)', 'karadala1（用管理命令）'],
    ['login_failed', 'invalid', zhStaff.audit.details.invalid],
  ])('%s "%s" reads "%s"', (action, detail, words) => {
    expect(auditRow(context('zh'), entry({ action, detail })).detail).toBe(words);
  });

  it('in Kazakh, with the arrow of a right-to-left line', () => {
    const row = auditRow(context('kk'), entry({ action: 'status', detail: 'accepted -> declined' }));
    expect(row.detail).toBe(
      kkStaff.history.status
        .replace('{{from}}', kkStaff.statuses.accepted)
        .replace('{{to}}', kkStaff.statuses.declined),
    );
    expect(row.detail).toContain(' ← ');
  });
});
