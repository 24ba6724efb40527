/**
 * Tekes A/B/C tiers (000 §三): which tier a household's answers point to, and which of the
 * plan's gaps the reading had to fill. Pure; the caller turns the result into reasons.
 *
 *   A  no income at all, with serious illness or severe disability (or other special
 *      circumstances the township finds)
 *   B  per-capita income 100–250 rural / 100–300 urban, with a member partly without labour or
 *      self-care capacity (through old age, minority, disability, serious illness "等")
 *   C  250–507 rural / 300–678 urban, hardship from other causes
 *
 * Gaps, read as a caseworker would (documented in rules/jurisdictions/tekes.yaml):
 * below the B band (including zero income without A's conditions) is B with a vulnerable member,
 * else C; the B band without one is C; the shared boundary 250/300 goes to B (the higher
 * tier) when a member is partly unable to work or care for themselves.
 */
import type { Maybe } from '../../engine/context.ts';
import type { ParameterValue } from '../../engine/parameter-catalog.ts';

export type TekesTier = 'A' | 'B' | 'C';

export interface TierReading {
  tier: TekesTier;
  /** Which band or gap applied: an i18n key suffix under reasons.dibao.tekes.* */
  basis:
    | 'a_conditions'
    | 'b_band'
    | 'c_band'
    | 'gap_zero_income'
    | 'gap_below_b_band'
    | 'gap_b_band_no_vulnerable';
  /** The estimate could change if unanswered questions were answered. */
  uncertain: boolean;
  /** Income sits on a boundary two bands share. */
  sharedBoundary: boolean;
}

export function readTekesTier(
  perCapita: number,
  area: 'urban' | 'rural',
  hasAConditions: Maybe,
  hasVulnerableMember: Maybe,
  tiers: ParameterValue<'dibao.tiers'>,
): TierReading {
  const [bLow, bHigh] = tiers.bands.B[area];
  const byVulnerability = (basis: TierReading['basis'], boundary = false): TierReading => ({
    tier: hasVulnerableMember === true ? 'B' : 'C',
    basis: hasVulnerableMember === true ? basis : basis === 'b_band' ? 'gap_b_band_no_vulnerable' : basis,
    uncertain: hasVulnerableMember === undefined,
    // Only B is the higher tier on the shared boundary; a household that ends in C has no
    // "favourable" choice to report.
    sharedBoundary: boundary && hasVulnerableMember === true,
  });

  if (perCapita === 0) {
    if (hasAConditions === true)
      return { tier: 'A', basis: 'a_conditions', uncertain: false, sharedBoundary: false };
    const r = byVulnerability('gap_zero_income');
    return { ...r, uncertain: r.uncertain || hasAConditions === undefined };
  }
  if (perCapita < bLow) return byVulnerability('gap_below_b_band');
  if (perCapita <= bHigh) return byVulnerability('b_band', perCapita === bHigh);
  return { tier: 'C', basis: 'c_band', uncertain: false, sharedBoundary: false };
}
