// @vitest-environment jsdom
/**
 * A resident who scans a township's poster code (scene "c=<county>&t=<township>", as the county
 * admin's download makes it) opens the language page with that scene; the questionnaire then
 * starts there and does not ask for the county or township. Without a scene it asks both.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startServer } from '../helpers/start-server.ts';
import { buildMiniprogram, fakeWx, openPage, repoRoot, waitFor } from './harness.ts';

const chat = JSON.parse(readFileSync(join(repoRoot, 'locales', 'ug', 'chat.json'), 'utf8'));

let server: Started;
let built: ReturnType<typeof buildMiniprogram>;
const dataDir = mkdtempSync(join(tmpdir(), 'miniprogram-scene-'));

beforeAll(async () => {
  built = buildMiniprogram();
  server = await startServer('server/main.ts', { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
});
afterAll(async () => {
  await server?.stop();
  built?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

type Page = ReturnType<typeof openPage>;
const prompt = (page: Page) => page.querySelector('.prompt')?.dom?.textContent ?? '';

/** Opens the language page with `query`, taps Uyghur, and returns the first question shown. */
async function firstQuestion(query: Record<string, string>): Promise<string> {
  const wx = fakeWx(built.dir, server.base);
  const language = openPage(built.dir, 'language', query);
  language.querySelector('.lang-ug')!.dispatchEvent('tap');
  await waitFor(() => wx.navigations.length, 'the questionnaire to open');
  const page = openPage(built.dir, 'questionnaire');
  return waitFor(() => prompt(page).trim(), 'the first question');
}

describe("a poster's code", () => {
  it('starts at the township it names: the first question is past where the resident lives', async () => {
    const asked = await firstQuestion({ scene: encodeURIComponent('c=tekes&t=karadala') });
    expect(asked).toContain(chat.questions.area);
    expect(asked).not.toContain(chat.questions.township);
  });

  it('names only the county: the township is asked', async () => {
    const asked = await firstQuestion({ scene: encodeURIComponent('c=tekes') });
    expect(asked).toContain(chat.questions.township);
  });

  it('without a scene, or with one that is not ours, the county is asked first', async () => {
    expect(await firstQuestion({})).toContain(chat.questions.county);
    expect(await firstQuestion({ scene: '%E0%A4%A' })).toContain(chat.questions.county);
  });
});
