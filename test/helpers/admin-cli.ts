/** Runs `npm run admin -- user add ...` on a data directory (server stopped); returns the one-time password. */
import { execFileSync } from 'node:child_process';

export function addStaffUser(dataDir: string, args: string[]): string {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'server/admin-cli.ts', 'user', 'add', ...args, '--data', dataDir],
    {
      env: { ...process.env, NODE_ENV: 'production' },
    },
  ).toString();
  const password = /one-time password: (\S+)/.exec(out)?.[1];
  if (!password) throw new Error(`admin CLI printed no password: ${out}`);
  return password;
}

/** A Tekes caseworker made with the admin CLI (karadala unless said); returns the one-time password. */
export function addCaseworker(
  dataDir: string,
  username: string,
  township = 'karadala',
  extra: string[] = [],
): string {
  return addStaffUser(dataDir, [
    ...['--username', username, ...extra],
    ...['--role', 'caseworker', '--county', 'tekes', '--township', township],
  ]);
}
