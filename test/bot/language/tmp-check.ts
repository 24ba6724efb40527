import { detectLanguage } from '../../../bot/language/detect.ts';
import { firstMessages } from './first-messages.ts';

const all: string[] = [];
for (const [lang, list] of Object.entries(firstMessages)) {
  const dupes = list.length - new Set(list).size;
  all.push(...list);
  let ok = 0;
  let conf = 0;
  const wrong: string[] = [];
  for (const m of list) {
    const d = detectLanguage(m);
    if (d.lang === lang) ok++;
    if (d.lang === lang && d.confident) conf++;
    if (d.lang !== lang || !d.confident)
      wrong.push(`  [${d.lang ?? 'undefined'}${d.confident ? '' : ', unsure'} ug=${d.scores.ug} kk=${d.scores.kk}] ${m}`);
  }
  console.log(`${lang}: ${list.length} messages, ${dupes} duplicates; detected ${ok}/${list.length} (${((100 * ok) / list.length).toFixed(1)}%), confident-and-right ${conf}/${list.length} (${((100 * conf) / list.length).toFixed(1)}%)`);
  console.log(wrong.join('\n'));
}
console.log('duplicates across languages:', all.length - new Set(all).size);
// Script sanity: no precomposed hamza letters; no U+0674/U+0621 in ug; no ې ۈ in kk
const pre = /[\u0675-\u0678]/;
for (const [lang, list] of Object.entries(firstMessages))
  for (const m of list) {
    if (pre.test(m)) console.log('precomposed', lang, m);
    if (lang === 'ug' && /[\u0674\u0621]/.test(m)) console.log('kk hamza in ug', m);
    if (lang === 'kk' && /[\u06D0\u06C8\u0626]/.test(m)) console.log('ug letter in kk', m);
  }
