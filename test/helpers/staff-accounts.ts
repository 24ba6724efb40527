/** Staff accounts in a memory store, for unit tests of logins, lock-out and sessions. */
import { openMemoryStore } from '../../bot/store/collection-store.ts';
import type { Accounts } from '../../server/staff/accounts.ts';
import { staffSessionSchema, staffUserSchema } from '../../server/staff/staff-records.ts';

export async function memoryAccounts(): Promise<Accounts> {
  const store = await openMemoryStore();
  return {
    users: await store.collection('staff-users', staffUserSchema),
    sessions: await store.collection('staff-sessions', staffSessionSchema),
  };
}
