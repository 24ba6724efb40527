/**
 * Opens the staff data: accounts and sessions (store collections) and the audit log, kept where
 * the store keeps everything else: with PostgreSQL in the database (one chain for every
 * instance), otherwise the data directory's file (one process).
 */
import type { Store } from '../../bot/store/collection-store.ts';
import type { Accounts } from './accounts.ts';
import type { AuditTrail } from './audit-chain.ts';
import { AuditLog } from './audit-log.ts';
import { LoginThrottle, throttleRules } from './login-throttle.ts';
import { openThrottleRecords, storedCounters } from './login-throttle-counters.ts';
import { PgAuditLog } from './audit-log-pg.ts';
import { type LocalValues, openLocalValues } from './local-values/local-value-record.ts';
import { type StaffSession, type StaffUser, staffSessionSchema, staffUserSchema } from './staff-records.ts';

export interface StaffStorage extends Accounts {
  audit: AuditTrail;
  /** The county admins' local values, every version (local-values/local-value-record.ts). */
  localValues: LocalValues;
}

/**
 * The accounts and sessions collections. A username is a unique key (two instances creating
 * one name at once store one account); the columns let a login find its account and a password
 * change find the user's sessions without reading every record.
 */
export async function openAccounts(store: Store): Promise<Accounts> {
  return {
    users: await store.collection('staff-users', staffUserSchema, {
      columns: { username: (u: StaffUser) => u.username, county: (u: StaffUser) => u.county },
      unique: (u: StaffUser) => `username:${u.username}`,
    }),
    sessions: await store.collection('staff-sessions', staffSessionSchema, {
      columns: { userId: (s: StaffSession) => s.userId },
    }),
    // Several instances on PostgreSQL count a name's failures together (N instances must not
    // give a guesser N times the tries); one process (lowdb) counts them in memory, as before.
    ...(store.kind === 'postgres'
      ? {
          throttle: new LoginThrottle(
            storedCounters(await openThrottleRecords(store), throttleRules.maxEntries),
          ),
        }
      : {}),
  };
}

/** @param auditKey AUDIT_KEY, if set (otherwise DATA_DIR/keys/audit.key) */
export async function openStaffStorage(
  store: Store,
  dataDir: string,
  auditKey?: string,
): Promise<StaffStorage> {
  return {
    ...(await openAccounts(store)),
    // Each entry names its county from the staff member passed to append (audit-log.ts).
    audit: store.pool
      ? await PgAuditLog.open(store.pool, dataDir, { key: auditKey })
      : AuditLog.open(dataDir, { key: auditKey }),
    localValues: await openLocalValues(store),
  };
}
