/**
 * One household's text to its compact (or --pretty) result JSON, or the error detail the CLI
 * prints for it. Shared by the in-process run and the worker threads of --jobs, so both give
 * the same bytes and the same messages.
 */
import type { translator } from '../../locales/i18n.ts';
import { issueText } from '../explain/result-view.ts';
import type { Screener } from '../engine/screen.ts';
import type { ScreenResult } from '../engine/result.ts';

type T = ReturnType<typeof translator>;

export type OneOutcome = { ok: true; value: ScreenResult } | { ok: false; detail: string };

export function screenText(text: string, screener: Screener, t: T, file: string, date?: string): OneOutcome {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      detail: t('cli.fileError', { file, detail: (e as Error).message.split('\n')[0] ?? '' }),
    };
  }
  const r = screener.screen(withDate(data, date));
  if (!r.ok) return { ok: false, detail: r.issues.map((issue) => `  ${issueText(t, issue)}`).join('\n') };
  return { ok: true, value: r.value };
}

export const resultText = (value: ScreenResult, pretty: boolean) =>
  pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);

function withDate(input: unknown, date: string | undefined) {
  if (!date || typeof input !== 'object' || input === null || Array.isArray(input) || 'date' in input)
    return input;
  return { ...input, date };
}
