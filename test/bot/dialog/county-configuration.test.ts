/** Townships and property rules come from a county's configuration file, in three languages. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDialogDeps } from '../../../bot/dialog/deps.ts';
import { renderReplies } from '../../../bot/dialog/render.ts';
import type { Session } from '../../../bot/dialog/session.ts';
import { handle } from '../../../bot/dialog/transition.ts';
import { defaultRulesDir } from '../../../rules/engine/load-rule-book.ts';
import { createScreener } from '../../../rules/engine/screen.ts';

const dir = mkdtempSync(join(tmpdir(), 'county-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
cpSync(defaultRulesDir, dir, { recursive: true });
const tekes = join(dir, 'jurisdictions', 'tekes.yaml');
writeFileSync(
  tekes,
  // Replaces the county's own township list with two test townships.
  `${readFileSync(tekes, 'utf8')
    .replace(/^townships:\n(?: {2}- .*\n)+/m, '')
    .replace(
      'parameters:',
      [
        'townships:',
        '  - { id: town-a, name: { zh: 甲镇, ug: ئا بازىرى, kk: ا قالاشىعى } }',
        '  - { id: town-b, name: { zh: 乙乡, ug: ب يېزىسى, kk: ب اۋىلى } }',
        'propertyRules: { zh: 没有小汽车（残疾人代步车除外）, ug: ماشىنىڭىز بولماسلىقى كېرەك, kk: كولىگىڭىز بولماۋى كەرەك }',
        'parameters:',
      ].join('\n'),
    )}`,
);
const deps = createDialogDeps({
  screener: createScreener({ rulesDir: dir, today: () => '2026-11-23' }),
  date: '2026-11-23',
  submitReferral: async () => 'TE-TEST',
  requestCallback: async () => {},
});

async function chat(messages: string[]) {
  let session: Session | undefined;
  const turns: string[][] = [];
  for (const m of messages) {
    const out = await handle(session, m, deps);
    session = out.session ?? undefined;
    turns.push(renderReplies(out.replies, session?.lang ?? 'zh'));
  }
  return { session, turns };
}

describe('county configuration in the questionnaire', () => {
  it('asks for the township from the configured list, answered by number or by name', async () => {
    const { session, turns } = await chat(['你好', '1', '乙乡']);
    expect(turns[1]!.join()).toContain('1 甲镇\n2 乙乡');
    expect(session!.answers.township).toBe('town-b');
  });
  it("shows the township names in the resident's language", async () => {
    const { turns } = await chat(['ياخشىمۇسىز، ئائىلە', '1']);
    expect(turns[1]!.join()).toContain('2 ب يېزىسى');
  });
  it("tells the county's own property rules with the property question", async () => {
    const { turns } = await chat(['你好', '1', '1', '农村', '1', '40', '1', '300']);
    expect(turns.at(-1)!.join()).toContain('本县的规定：没有小汽车');
  });
});
