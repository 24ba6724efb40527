/** First-message language detection (shared/GLOSSARY.md "Telling Uyghur from Kazakh"). */
import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../bot/language/detect.ts';

describe('detectLanguage', () => {
  it.each([
    ['你好，我想问一下低保', 'zh'],
    ['低保 800', 'zh'],
    ['ياخشىمۇسىز، ئەڭ تۆۋەن تۇرمۇش كاپالىتى ئىلتىماس قىلماقچى', 'ug'],
    ['ئائىلە', 'ug'],
    ['يېزا', 'ug'],
    ['كېرەك', 'ug'],
    ['ئۇيغۇرچە', 'ug'],
    ['سالەمەتسىز بە، ديباۋ العىم كەلەدى', 'kk'],
    ['قازاق ءتىلى', 'kk'],
    ['ٴيا', 'kk'],
    ['وتباسى', 'kk'],
    ['حالىق', 'kk'],
    ['Сәлеметсіз бе', 'kk'],
  ] as const)('%s → %s', (text, lang) => {
    expect(detectLanguage(text).lang).toBe(lang);
  });
  it('is unsure when nothing tells Uyghur from Kazakh, so the dialog keeps its language or asks', () => {
    expect(detectLanguage('دىباۋ').confident).toBe(false);
    expect(detectLanguage('hello').lang).toBeUndefined();
    expect(detectLanguage('123').lang).toBeUndefined();
  });
  it('is not fooled by invisible characters or kashida', () => {
    expect(detectLanguage('\u202Eئا\u0640ئىلە\u200B').lang).toBe('ug');
  });
});
