/** loggedPath / maskReferences: what a log line may keep of a path or a message. */
import { describe, expect, it } from 'vitest';
import { loggedPath, maskReferences } from '../../server/log-masks.ts';

describe('loggedPath', () => {
  it('masks references in any case or encoding, ids, and the staff referral segment', () => {
    expect(loggedPath('/staff/referrals/TE-4F7K2M9Q')).toBe('/staff/referrals/:ref');
    expect(loggedPath('/staff/referrals/te-4f7k2m9q/print')).toBe('/staff/referrals/:ref/print');
    expect(loggedPath('/staff/referrals/TE%2D4F7K2M9Q')).toBe('/staff/referrals/:ref');
    expect(loggedPath('/staff/referrals/whatever-was-typed')).toBe('/staff/referrals/:ref');
    expect(loggedPath('/zh/referral/0b6f3c1e-9a2d-4c8e-8f1a-2b3c4d5e6f70')).toBe('/zh/referral/:id');
  });
  it("masks a results page's token wherever it appears", () => {
    const token = 'q3_Zf-8kLmN0pQrStUvWxYz0123456789AbCdEfGhIj';
    expect(loggedPath(`/ug/results/${token}/print`)).toBe('/ug/results/:id/print');
    expect(loggedPath(`/kk/referral/${token}`)).toBe('/kk/referral/:id');
  });
  it('keeps paths that hold neither', () => {
    for (const p of ['/zh/chat', '/static/chat.8f5e1e5057cf.js', '/staff/accounts', '/api/v1/programs'])
      expect(loggedPath(p)).toBe(p);
  });
});

describe('maskReferences', () => {
  it('masks a reference inside a message', () => {
    expect(maskReferences('HTTP 500 for QI-ABCDEFGH-webhook')).toBe('HTTP 500 for :ref-webhook');
  });
});
