/**
 * The mini-program's words come from locales/: its generated chrome module must be what
 * `npm run miniprogram:locales` writes today, and no other file in miniprogram/ may carry
 * Chinese or Arabic-script text of its own (questions and rules come from the API).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromeFile, chromeModule } from '../../locales/miniprogram-chrome.ts';

const root = join(process.cwd(), 'miniprogram');
const files = (d: string): string[] =>
  readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]));

describe('mini-program words', () => {
  it('has its chrome module up to date with locales/ (run npm run miniprogram:locales)', () => {
    expect(readFileSync(chromeFile, 'utf8')).toBe(chromeModule());
  });
  it('writes no user-facing sentence outside the generated module', () => {
    const withWords = files(root)
      .filter((f) => f !== chromeFile && /\.(ts|wxml|json)$/.test(f))
      .filter((f) => /[\u4e00-\u9fff\u0600-\u06ff]/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(withWords).toEqual([]);
  });
});
