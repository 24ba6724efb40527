/**
 * The mini-program's entry. Everything a resident reads comes from the server (questions, rules,
 * results) or from the generated chrome strings (i18n/chrome.ts, built from locales/).
 * globalData holds the last results only while the mini-program runs (lib/results-memory.ts):
 * the phone's storage keeps the language and nothing the resident answered.
 */
import type { AppData } from './lib/results-memory';

App<AppData>({ globalData: {} });
