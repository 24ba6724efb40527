/**
 * The 台账's file name says what is in it, so a masked copy and a full one are never confused:
 * 台账-<county>-<township|全县>-<yyyymmdd>-脱敏|完整.xlsx, with an ASCII fallback built from ids for
 * clients that cannot read RFC 5987's filename*.
 */
import { translator } from '../../locales/i18n.ts';
import type { LedgerVariant } from './ledger-access.ts';
import { chinaDate } from './referral-view.ts';

export interface LedgerScope {
  county: string;
  /** The township the file covers, or undefined for the whole county. */
  township?: { id: string; name: string };
}

export function ledgerFileNames(scope: LedgerScope, variant: LedgerVariant, format: string, now: Date) {
  const t = translator('zh');
  const day = chinaDate(now.toISOString()).replaceAll('-', '');
  const unicode = [
    t('ledger.file.ledger'),
    t(`jurisdictions.${scope.county}`, { defaultValue: scope.county }),
    scope.township?.name ?? t('ledger.file.whole_county'),
    day,
    t(`ledger.file.${variant}`),
  ].join('-');
  const ascii = ['ledger', scope.county, scope.township?.id ?? 'county', day, variant]
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '_');
  return { unicode: `${unicode}.${format}`, ascii: `${ascii}.${format}` };
}

/** RFC 6266 with RFC 5987: the Chinese name for browsers that read it, the ASCII one for the rest. */
export function contentDisposition(names: { unicode: string; ascii: string }): string {
  const encoded = encodeURIComponent(names.unicode).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${names.ascii}"; filename*=UTF-8''${encoded}`;
}
