/**
 * project.config.json as WeChat DevTools reads it (DevTools docs "project configuration" and
 * "code compilation"): TypeScript compiled by the built-in plugin, JS compiled to ES5, the request
 * domain checked, and style completion on, which adds the vendor prefixes older phones' web views
 * need (the Uyghur and Kazakh pages' `unicode-bidi: isolate` among them).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const project = JSON.parse(readFileSync('miniprogram/project.config.json', 'utf8'));

describe('project.config.json', () => {
  it('compiles TypeScript and ES5, checks the domain and completes styles', () => {
    expect(project.compileType).toBe('miniprogram');
    expect(project.setting.useCompilerPlugins).toContain('typescript');
    expect(project.setting.es6).toBe(true);
    expect(project.setting.urlCheck).toBe(true);
    expect(project.setting.postcss).toBe(true);
  });
});
