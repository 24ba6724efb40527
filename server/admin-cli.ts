/**
 * npm run admin -- user add --username li --role caseworker --county tekes --township karadala
 *                 user list | user reset --username li | user disable --username li
 *                 keys status | keys rotate   (the data key: key-rotation.ts)
 *                 store migrate --to postgres://…   (lowdb → PostgreSQL: store-migrate.ts)
 *                 store recount   (DATABASE_URL: the inbox's kept counts counted again)
 * With DATABASE_URL set it works on that database, the server may run. Otherwise it works on
 * the data directory (DATA_DIR or --data) while the server is stopped: one process
 * owns the store, and a running server's lock makes this say so instead of corrupting it.
 * A new or reset password is printed once.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import type { Store } from '../bot/store/collection-store.ts';
import { openStore } from '../bot/store/open-store.ts';
import { recountAll } from '../bot/store/pg/column-counts.ts';
import { createScreener } from '../rules/engine/screen.ts';
import { envKeys, parseConfig } from './config.ts';
import { keyStatus, rotateDataKey } from './key-rotation.ts';
import { createUser, findByUsername, resetPassword } from './staff/accounts.ts';
import { roles } from './staff/staff-records.ts';
import { checkTable, migrateStore } from './store-migrate.ts';
import { openStaffStorage } from './staff/staff-storage.ts';

const usage = `usage: npm run admin -- user add --username NAME --role caseworker|county_admin --county ID [--township ID] [--name "显示名"]
       npm run admin -- user list | user reset --username NAME | user disable --username NAME | user enable --username NAME
       npm run admin -- keys status | keys rotate
       npm run admin -- store migrate --to postgres://USER@HOST/DB   (lowdb server stopped)
       npm run admin -- store recount   (with DATABASE_URL; servers may run, their writes wait)
options: --data DIR (default: DATA_DIR or ./data)`;

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      county: { type: 'string' },
      township: { type: 'string' },
      name: { type: 'string' },
      data: { type: 'string' },
      to: { type: 'string' },
    },
  });
  const [noun, verb] = positionals;
  if ((noun !== 'user' && noun !== 'keys' && noun !== 'store') || !verb) throw new Error(usage);
  const dataDir = values.data ?? process.env.DATA_DIR ?? './data';
  const config = parseConfig(process.env);
  const keys = envKeys(config);
  if (noun === 'store' && verb === 'recount') return recountCommand(config.DATABASE_URL);
  if (noun === 'store') return storeCommand(verb, dataDir, values.to, keys, config.AUDIT_KEY);
  // With DATABASE_URL the accounts and the audit log are in PostgreSQL (any instance may be
  // running); the data directory still holds the keys (unless DATA_KEY / AUDIT_KEY are set).
  const store = await openStore({
    dataDir,
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    ...(keys ? { keys } : {}),
  });
  if (noun === 'keys') return keysCommand(store, dataDir, verb);
  const staff = await openStaffStorage(store, dataDir, config.AUDIT_KEY);
  try {
    const book = createScreener().book;
    const who = async () => {
      const u = values.username ? await findByUsername(staff, values.username) : undefined;
      if (!u) throw new Error(`no user ${values.username ?? '(give --username)'}`);
      return u;
    };
    switch (verb) {
      case 'add': {
        const role = roles.find((r) => r === values.role);
        const county = book.jurisdictions.get(values.county ?? '');
        if (!role || !values.username || !county) throw new Error(usage);
        if (values.township && !county.townships.some((t) => t.id === values.township))
          throw new Error(
            `township ${values.township} is not configured for ${county.id}: ${county.townships.map((t) => t.id).join(', ')}`,
          );
        const { user, password } = await createUser(staff, {
          username: values.username,
          role,
          county: county.id,
          ...(values.township ? { township: values.township } : {}),
          ...(values.name ? { displayName: values.name } : {}),
        });
        await staff.audit.appendSystem(
          user.county,
          'user_add',
          user.id,
          `${user.username} ${role} (admin CLI)`,
        );
        process.stdout.write(
          `created ${user.username} (${role}, ${county.id}${user.township ? `/${user.township}` : ''})\none-time password: ${password}\n`,
        );
        break;
      }
      case 'list':
        for await (const u of staff.users.values())
          process.stdout.write(
            `${u.username}\t${u.role}\t${u.county}${u.township ? `/${u.township}` : ''}\t${u.disabled ? 'disabled' : 'active'}\n`,
          );
        break;
      case 'reset': {
        const u = await who();
        const password = await resetPassword(staff, u);
        await staff.audit.appendSystem(u.county, 'user_reset_password', u.id, `${u.username} (admin CLI)`);
        process.stdout.write(`one-time password for ${u.username}: ${password}\n`);
        break;
      }
      case 'disable':
      case 'enable': {
        const u = await who();
        // One change of the account as stored (a login may be counting failures meanwhile),
        // on disk before the command says it is done.
        await staff.users.update(
          u.id,
          (cur) => (cur ? { ...cur, disabled: verb === 'disable' } : undefined),
          {
            durable: true,
          },
        );
        await staff.audit.appendSystem(u.county, `user_${verb}`, u.id, `${u.username} (admin CLI)`);
        process.stdout.write(`${u.username} ${verb}d\n`);
        break;
      }
      default:
        throw new Error(usage);
    }
  } finally {
    await store.close();
    staff.audit.close();
  }
}

/** lowdb → PostgreSQL; a mismatch anywhere makes the exit code 1. */
async function storeCommand(
  verb: string,
  dataDir: string,
  to: string | undefined,
  keys: ReturnType<typeof envKeys>,
  auditKey: string | undefined,
) {
  const url = z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .safeParse(to);
  if (verb !== 'migrate' || !url.success) throw new Error(usage);
  const checks = await migrateStore({
    dataDir,
    databaseUrl: url.data,
    ...(keys ? { keys } : {}),
    ...(auditKey ? { auditKey } : {}),
  });
  process.stdout.write(checkTable(checks));
  const extra = checks.filter((c) => c.onlyInPostgres > 0);
  if (extra.length)
    process.stdout.write(
      `records only in PostgreSQL (kept, not deleted): ${extra.map((c) => `${c.name} ${c.onlyInPostgres}`).join(', ')}\n`,
    );
  if (!checks.some((c) => c.name === 'audit-log'))
    process.stdout.write(`no audit log in ${dataDir} (no audit.jsonl): none copied\n`);
  const bad = checks.filter((c) => !c.ok);
  if (bad.length) {
    process.stdout.write(
      `MISMATCH in ${bad.map((c) => c.name).join(', ')}: do not switch to PostgreSQL yet\n`,
    );
    process.exitCode = 1;
  } else {
    const audit = checks.find((c) => c.name === 'audit-log');
    const collections = checks.length - (audit ? 1 : 0);
    process.stdout.write(
      `${collections} collections${audit ? ` and the audit log (${audit.lowdb} entries)` : ''} copied and verified\n`,
    );
  }
}

/** The kept counts (record_counts) counted again from the column rows: column-counts.ts. */
async function recountCommand(databaseUrl: string | undefined) {
  if (!databaseUrl) throw new Error(`store recount needs DATABASE_URL (lowdb keeps no counts)\n${usage}`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const columns = await recountAll(pool);
    process.stdout.write(`${columns.length} counted columns counted again: ${columns.join(', ')}\n`);
  } finally {
    await pool.end();
  }
}

async function keysCommand(store: Store, dataDir: string, verb: string) {
  try {
    if (verb === 'status') process.stdout.write(await keyStatus(store));
    else if (verb === 'rotate') {
      const done = await rotateDataKey(store, dataDir);
      process.stdout.write(
        `${done.records} records re-encrypted with data key ${done.current}${done.source === 'file' ? ' (new, first line of the key file)' : ' (DATA_KEY)'}\n`,
      );
      process.stdout.write(await keyStatus(store));
    } else throw new Error(usage);
  } finally {
    await store.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
});
