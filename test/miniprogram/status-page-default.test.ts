/**
 * A status message opens the page MINIPROGRAM_STATUS_PAGE names; WeChat refuses a send to a page
 * the mini-program does not have (41030, final), so the default must be one of app.json's pages.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/config.ts';

describe('the status message page', () => {
  it('is, by default, a page the mini-program really has', () => {
    const pages: string[] = JSON.parse(readFileSync('miniprogram/app.json', 'utf8')).pages;
    const config = parseConfig({});
    expect(pages).toContain(config.MINIPROGRAM_STATUS_PAGE);
  });
});
