/**
 * Numbers as residents type them: "800", "1,500", "٢٠٠٠", "２０００", "两千", "一千五" (1500),
 * "两万三" (23000), "一百零五", "壹仟贰佰", "1.5万", "2万5" (25000), "3千", "5k", "2w",
 * "ئىككى مىڭ", "بىر مىڭ بەش يۈز", "1.5 مىڭ", with noise ("大概两千块", "800元", "5口人",
 * "3 جان") and approximations ("八百多", "两千左右"), and ranges typed in visual order
 * ("60 - 50 مىڭ" = 50,000–60,000: the value is the middle, the range is kept).
 *
 * One token-based parser serves all three languages. Chinese digits before a unit multiply
 * (三千); a single Chinese digit after the last unit is the spoken abbreviation (一千五 = 1500,
 * 2万5 = 25000) unless 零 came between (一千零五 = 1005). Uyghur and Kazakh number words add
 * up (يىگىرمە بەش = 25) and never abbreviate (بىر مىڭ بەش = 1005).
 */
import { maxAnswerLength, normalizeAnswer } from './normalize.ts';
import { fail, type Parsed } from './result.ts';

type Token =
  | { kind: 'digit'; value: number; abbreviates: boolean } // one number before a unit: 三, 3, 1.5
  | { kind: 'add'; value: number } // Uyghur/Kazakh ones and tens: add up
  | { kind: 'unit'; value: number; big: boolean } // small 十 百 千 k يۈز; big 万 w 亿 مىڭ (close a section)
  | { kind: 'zero' };

const chineseDigits: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  壹: 1,
  二: 2,
  贰: 2,
  貳: 2,
  两: 2,
  兩: 2,
  三: 3,
  叁: 3,
  參: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  陸: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};
// Chinese counts in sections of 万 (ten thousand); Uyghur and Kazakh in sections of مىڭ (thousand).
const unit = (value: number, big: boolean): Token => ({ kind: 'unit', value, big });
const chineseUnits: Record<string, Token> = {
  十: unit(10, false),
  拾: unit(10, false),
  百: unit(100, false),
  佰: unit(100, false),
  千: unit(1000, false),
  仟: unit(1000, false),
  万: unit(10_000, true),
  萬: unit(10_000, true),
  亿: unit(1e8, true),
  億: unit(1e8, true),
};
const latinUnits: Record<string, Token> = { k: unit(1000, false), w: unit(10_000, true) };

/** Uyghur and Kazakh (after normalizeAnswer's hamza folding) number words. */
const arabicScriptWords: Record<string, Token> = Object.fromEntries(
  (
    [
      // ones
      [['بىر', 'بر'], 1],
      [['ئىككى', 'ەكى', 'ىكى'], 2],
      [['ئۈچ', 'ۇش'], 3],
      [['تۆت', 'تورت'], 4],
      [['بەش', 'بەس'], 5],
      [['ئالتە', 'التى'], 6],
      [['يەتتە', 'جەتى'], 7],
      [['سەككىز', 'سەگىز'], 8],
      [['توققۇز', 'توعىز'], 9],
      // tens
      [['ئون', 'ون'], 10],
      [['يىگىرمە', 'جيىرما'], 20],
      [['ئوتتۇز', 'وتىز'], 30],
      [['قىرىق'], 40],
      [['ئەللىك', 'ەلۋ'], 50],
      [['ئاتمىش', 'الپىس'], 60],
      [['يەتمىش', 'جەتپىس'], 70],
      [['سەكسەن'], 80],
      [['توقسان'], 90],
    ] as [string[], number][]
  ).flatMap(([words, value]) => words.map((w) => [w, { kind: 'add', value } as Token])),
);
Object.assign(arabicScriptWords, {
  يۈز: unit(100, false),
  جۇز: unit(100, false),
  مىڭ: unit(1000, true),
  مڭ: unit(1000, true),
  مىليون: unit(1_000_000, true),
});

/** Words that carry no number: currency, "about", "per month", "people", filler. */
const noiseWords = [
  '人民币',
  '块钱',
  '块',
  '元',
  '圆',
  '大概',
  '大约',
  '约',
  '差不多',
  '将近',
  '每个月',
  '每月',
  '一个月',
  '个月',
  '月',
  '收入',
  '/',
  '／',
  '口人',
  '口',
  '个人',
  '人',
  '个',
  '位',
  '吧',
  '啊',
  '呢',
  '。',
  '，',
  '!',
  '！',
  '?',
  '？',
  'يۈەن',
  'يۋان',
  'جان',
  'نەپەر',
  'ئادەم',
  'ادام',
  'كىشى',
  'ئايدا',
  'ايىنا',
  'ئەتراپىدا',
  'شامامەن',
  'قاتارىدا',
  'تەخمىنەن',
  'yuan',
  'rmb',
  '¥',
  '￥',
];
const approximateWords = [
  '多',
  '余',
  '来',
  '左右',
  '上下',
  '大概',
  '大约',
  '约',
  '差不多',
  '将近',
  'ئەتراپىدا',
  'شامامەن',
  'تەخمىنەن',
  'قاتارىدا',
];
const rangeSeparators = /\s*(?:-|–|—|~|～|至|到)\s*/;

export interface AmountOptions {
  /** Largest believable value; above it the answer is treated as a typo. */
  max?: number;
}

export function parseAmount(raw: string, options: AmountOptions = {}): Parsed<number> {
  if (raw.length > maxAnswerLength) return fail('too_long');
  let s = normalizeAnswer(raw);
  if (s === '') return fail('empty');
  if (/^[-−负]\s*\d|^负/.test(s)) return fail('negative');
  const approximate = approximateWords.some((w) => s.includes(w));
  // "八百多": 多 after a number means "and some"; as a word it is noise like the others.
  s = s.replace(/多|余|来|左右|上下/g, ' ');
  for (const w of noiseWords) s = s.split(w).join(' ');
  s = s
    .replace(/[%٪％]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (s === '') return fail('not_a_number');

  const parts = s.split(rangeSeparators).filter(Boolean);
  let result: Parsed<number>;
  if (parts.length === 2) {
    result = parseRange(parts[0]!, parts[1]!);
  } else if (parts.length === 1) {
    const v = parseNumber(parts[0]!);
    result = v === undefined ? fail('not_a_number') : { ok: true, value: v };
  } else {
    return fail('not_a_number');
  }
  if (!result.ok) return result;
  if (!Number.isFinite(result.value)) return fail('too_large');
  if (options.max !== undefined && result.value > options.max) return fail('too_large');
  return approximate ? { ...result, approximate: true } : result;
}

/** Household size and other counts: a whole number from 1 to `max`. */
export function parseCount(raw: string, max: number): Parsed<number> {
  const r = parseAmount(raw, { max });
  if (!r.ok) return r;
  if (r.range) return fail('not_a_number');
  if (!Number.isInteger(r.value)) return fail('not_whole');
  if (r.value < 1) return fail('not_a_number');
  return { ok: true, value: r.value };
}

/** "60 - 50 مىڭ": a unit on one side belongs to both; the sides may come in either order. */
function parseRange(a: string, b: string): Parsed<number> {
  let lo = parseNumber(a);
  let hi = parseNumber(b);
  if (lo === undefined || hi === undefined) return fail('not_a_number');
  const unitOf = (t: string) =>
    tokenize(t)?.findLast((x) => x.kind === 'unit') as { value: number } | undefined;
  const ua = unitOf(a);
  const ub = unitOf(b);
  if (ua && !ub) hi *= ua.value;
  if (ub && !ua) lo *= ub.value;
  const [min, max] = lo <= hi ? [lo, hi] : [hi, lo];
  return { ok: true, value: (min + max) / 2, range: [min, max] };
}

export function parseNumber(text: string): number | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  return evaluate(tokens);
}

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ') {
      i++;
      continue;
    }
    // ASCII number, with thousands grouping (1,500 / 1 500 / 1،500) and decimals (1500.5, and
    // the decimal comma of phones set to other locales: 1500,5 / 12,50; three digits after a
    // comma are a thousands group, never decimals).
    const num = /^\d{1,3}(?:[,،]\d{3})+(?:\.\d+)?(?!\d)|^\d+[,،]\d{1,2}(?!\d)|^\d+(?:\.\d+)?/.exec(
      text.slice(i),
    );
    if (num) {
      let literal = num[0];
      let j = i + literal.length;
      // "10 000": a space-grouped number is one number only in groups of three.
      while (/^ \d{3}(?!\d)/.test(text.slice(j))) {
        literal += text.slice(j + 1, j + 4);
        j += 4;
      }
      const decimalComma = /^\d+[,،]\d{1,2}$/.test(literal);
      const value = Number(decimalComma ? literal.replace(/[,،]/, '.') : literal.replace(/[,،]/g, ''));
      const after = tokens.at(-1);
      tokens.push({ kind: 'digit', value, abbreviates: after?.kind === 'unit' && /^\d$/.test(literal) });
      i = j;
      continue;
    }
    if (c in chineseDigits) {
      const v = chineseDigits[c]!;
      tokens.push(v === 0 ? { kind: 'zero' } : { kind: 'digit', value: v, abbreviates: true });
      i++;
      continue;
    }
    if (c in chineseUnits) {
      tokens.push(chineseUnits[c]!);
      i++;
      continue;
    }
    if (c in latinUnits && tokens.at(-1)?.kind === 'digit') {
      tokens.push(latinUnits[c]!);
      i++;
      continue;
    }
    // An Arabic-script word (Uyghur / Kazakh), up to the next space or digit.
    const word = /^[\u0600-\u06FF]+(?:-[\u0600-\u06FF]+)*/.exec(text.slice(i));
    if (word) {
      for (const w of word[0].split('-')) {
        const t = arabicScriptWords[w];
        if (!t) return undefined;
        tokens.push(t);
      }
      i += word[0].length;
      continue;
    }
    return undefined;
  }
  return tokens;
}

function evaluate(tokens: Token[]): number | undefined {
  let total = 0; // closed sections (万 / مىڭ and above)
  let lastBig = 0;
  let section = 0; // the open section, built from small units
  let current: number | undefined; // a number waiting for its unit
  let currentAbbreviates = false;
  let lastUnit: number | undefined;
  let zeroSinceUnit = false;
  for (const t of tokens) {
    if (t.kind === 'digit') {
      if (current !== undefined) return undefined; // "三四" or "12 3": not one number
      current = t.value;
      currentAbbreviates = t.abbreviates;
    } else if (t.kind === 'add') {
      current = (current ?? 0) + t.value;
      currentAbbreviates = false;
    } else if (t.kind === 'zero') {
      zeroSinceUnit = true;
    } else {
      if (t.big) {
        const gathered = section + (current ?? (section === 0 && total === 0 ? 1 : 0));
        // 一万亿: a bigger unit multiplies what came before; 一亿两千万: a smaller one adds.
        total = t.value > lastBig ? (total + gathered) * t.value : total + gathered * t.value;
        lastBig = Math.max(lastBig, t.value);
        section = 0;
      } else {
        section += (current ?? 1) * t.value;
      }
      current = undefined;
      lastUnit = t.value;
      zeroSinceUnit = false;
    }
  }
  if (current !== undefined) {
    // 一千五 = 1500, 2万5 = 25000: one Chinese digit right after a unit means the next unit down.
    const abbreviated =
      currentAbbreviates && lastUnit !== undefined && lastUnit >= 100 && !zeroSinceUnit && current < 10;
    section += abbreviated ? current * (lastUnit! / 10) : current;
  }
  return total + section;
}
