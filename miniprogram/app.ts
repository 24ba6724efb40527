/**
 * The mini-program's entry. Everything a resident reads comes from the server (questions, rules,
 * results) or from the generated chrome strings (i18n/chrome.ts, built from locales/).
 */
App({});
