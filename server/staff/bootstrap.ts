/**
 * First start: with no county admin at all, one is created and its random
 * password printed once on the console. It must be changed, and a second factor enrolled, at
 * the first login.
 */
import { type Accounts, createUser, UsernameTakenError } from './accounts.ts';

export async function ensureFirstAdmin(a: Accounts, county: string, print: (line: string) => void) {
  for await (const u of a.users.values()) if (u.role === 'county_admin') return undefined;
  let made: Awaited<ReturnType<typeof createUser>>;
  try {
    made = await createUser(a, { username: 'admin', role: 'county_admin', county });
  } catch (e) {
    // Another instance starting on the same database made it first: its console has the password.
    if (e instanceof UsernameTakenError) return undefined;
    throw e;
  }
  const { user, password } = made;
  print(
    [
      '',
      '================================================================',
      ` First start: county admin "${user.username}" for ${county} was created.`,
      ` One-time password: ${password}`,
      ' It is shown only now. Log in at /staff/login, then change it and',
      ' set up the authenticator app (second factor), as the page asks.',
      '================================================================',
      '',
    ].join('\n'),
  );
  return user;
}
