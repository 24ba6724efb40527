/**
 * The terminal channel (staff training, development): the same dialog as WeChat and the web.
 *
 *   npm run chat                          talk, one message per line
 *   npm run chat -- --replay FILE         replay a transcript (one resident message per line,
 *                                         '#' comments), printing the conversation
 *   npm run chat -- --data DIR            data directory (default ./data/terminal)
 *   npm run chat -- --expire-hours N      delete conversations idle longer than N hours (168)
 *
 * Sessions, referrals and call-back requests are stored in the embedded store, so a session
 * survives a restart: the next start asks "continue or start over?".
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { createScreener } from '../../rules/engine/screen.ts';
import { createDialogDeps } from '../dialog/deps.ts';
import { renderReplies } from '../dialog/render.ts';
import { defaultLifetime, expireSessions } from '../dialog/session-lifecycle.ts';
import { sessionLoop } from '../dialog/session-loop.ts';
import { welcomeBack } from '../dialog/transition.ts';
import { openDialogStorage } from '../referral/dialog-storage.ts';
import { openFileStore } from '../store/collection-store.ts';

const userKey = 'terminal';

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      replay: { type: 'string' },
      data: { type: 'string', default: './data/terminal' },
      'expire-hours': { type: 'string', default: String(defaultLifetime.expireAfterMs / 3_600_000) },
    },
  });
  const store = await openFileStore(values.data!);
  try {
    // One resident at the terminal: one session file is enough.
    const storage = await openDialogStorage(store, 'terminal', 1);
    const { sessions } = storage;
    const deps = createDialogDeps({
      screener: createScreener(),
      submitReferral: storage.submitReferral,
      requestCallback: storage.requestCallback,
      requestDeletion: storage.requestDeletion,
    });

    const expireAfterMs = Number(values['expire-hours']) * 3_600_000;
    if (!(expireAfterMs > 0))
      throw new Error(`--expire-hours must be a positive number, not ${values['expire-hours']}`);
    // Idle conversations are deleted before anything else: no answers kept longer than needed.
    const lifetime = { ...defaultLifetime, expireAfterMs };
    await expireSessions(sessions, new Date(), lifetime);
    const loop = sessionLoop({ sessions, dialog: deps, lifetime });
    const say = (lines: string[]) => {
      for (const line of lines) process.stdout.write(`${line}\n\n`);
    };
    // The terminal's own: a restart of the program asks "continue or start over?" at once.
    const session = await loop.peek(userKey);
    if (session) {
      const back = welcomeBack(session);
      if (back.session) await sessions.set(userKey, back.session);
      say(renderReplies(back.replies, back.session?.lang ?? 'zh'));
    }

    const messages = values.replay ? transcript(values.replay) : interactive();
    for await (const message of messages) {
      if (values.replay) process.stdout.write(`> ${message}\n\n`);
      const out = await loop.turn({ who: userKey, text: message, lang: 'zh' });
      if (!out.missing) say(renderReplies(out.replies, out.lang));
    }
    return 0;
  } finally {
    await store.close();
  }
}

function* transcript(file: string): Generator<string> {
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (line.trim() && !line.trimStart().startsWith('#')) yield line;
  }
}

async function* interactive(): AsyncGenerator<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  try {
    for await (const line of rl) if (line.trim()) yield line;
  } finally {
    rl.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
