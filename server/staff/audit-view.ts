/**
 * An audit entry as the county admin reads it, in the staff member's language: accounts by
 * name (never their ids; an account no longer there says so), the action and its note in
 * words. The log itself is never rewritten (its entries are chained and signed): the notes it
 * holds, e.g. "accepted -> declined" or "12 rows", are read here and put into words; a note of
 * a form not known here is shown as stored.
 */
import type { TFunction } from 'i18next';
import type { Language } from '../../locales/i18n.ts';
import type { AuditEntry } from './audit-log.ts';
import { chinaDateTime } from './referral-view.ts';
import type { StaffUser } from './staff-records.ts';

export interface AuditRow {
  seq: number;
  at: string;
  who: string;
  action: string;
  target: string;
  detail: string;
}

export interface AuditViewContext {
  t: TFunction;
  lang: Language;
  county: string;
  user: (id: string) => StaffUser | undefined;
  township: (county: string, township: string, lang: Language) => string;
}

const staffIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "王老师（karadala1）", the system, or an account no longer there. */
export function accountName(c: AuditViewContext, id: string): string {
  if (id === 'system') return c.t('staff.history.by_system');
  const u = c.user(id);
  if (!u) return c.t('staff.audit.deleted_account');
  return u.displayName && u.displayName !== u.username
    ? c.t('staff.audit.who', { name: u.displayName, username: u.username })
    : u.username;
}

function target(c: AuditViewContext, e: AuditEntry): string {
  if (staffIdPattern.test(e.target) || c.user(e.target)) return accountName(c, e.target);
  if (e.action === 'view_audit') return c.t('staff.audit.title');
  return e.target;
}

/** An account's township, or "no township" for none ("-" in the note). */
const place = (c: AuditViewContext, id: string) =>
  id === '-' ? c.t('staff.inbox.no_township') : c.township(c.county, id, c.lang);

function detail(c: AuditViewContext, e: AuditEntry): string {
  const d = e.detail ?? '';
  const { t } = c;
  if (!d) return '';
  if (d === 'invalid' || d === 'throttled') return t(`staff.audit.details.${d}`);
  // Written by the admin command rather than on the page.
  const cli = / \(admin CLI\)$/.exec(d);
  const core = cli ? d.slice(0, cli.index) : d;
  const withCli = (text: string) => (cli ? t('staff.audit.notes.by_cli', { text }) : text);
  let m: RegExpExecArray | null;
  switch (e.action) {
    case 'status':
      m = /^([a-z_]+) -> ([a-z_]+)$/.exec(d);
      if (m)
        return t('staff.history.status', {
          from: t(`staff.statuses.${m[1]}`, { defaultValue: m[1] }),
          to: t(`staff.statuses.${m[2]}`, { defaultValue: m[2] }),
        });
      break;
    case 'outcome':
      m = /^([a-z_]+): (approved|declined)$/.exec(d);
      if (m)
        return t('staff.audit.notes.outcome', {
          program: t(`programs.${m[1]}`, { defaultValue: m[1] }),
          decision: t(`staff.referral.${m[2]}`),
        });
      break;
    case 'export':
    case 'export_full':
      m = /^(\d+) rows$/.exec(d);
      if (m) return t('staff.audit.notes.rows', { count: Number(m[1]) });
      break;
    case 'anonymised':
      m = /^retention (\d+) days$/.exec(d);
      if (m) return t('staff.audit.notes.retention', { days: Number(m[1]) });
      break;
    case 'notice_settings':
      if (d === 'webhook') return t('staff.audit.notes.webhook');
      break;
    case 'user_township':
      m = /^(\S+) (\S+) → (\S+)$/.exec(d);
      if (m)
        return t('staff.audit.notes.township', {
          username: m[1],
          from: place(c, m[2]!),
          to: place(c, m[3]!),
        });
      break;
    case 'user_add':
      m = /^(\S+) (caseworker|county_admin)$/.exec(core);
      if (m)
        return withCli(t('staff.audit.notes.user_add', { username: m[1], role: t(`staff.roles.${m[2]}`) }));
      break;
    case 'user_reset_password':
    case 'user_enable':
    case 'user_disable':
      if (/^\S+$/.test(core)) return withCli(core);
      break;
  }
  return d;
}

export function auditRow(c: AuditViewContext, e: AuditEntry): AuditRow {
  return {
    seq: e.seq,
    at: chinaDateTime(e.at),
    who: accountName(c, e.by),
    action: c.t(`staff.audit.actions.${e.action}`, { defaultValue: e.action }),
    target: target(c, e),
    detail: detail(c, e),
  };
}
