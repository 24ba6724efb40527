/**
 * The text of each page of a PDF that Chromium printed, for tests (no PDF library is installed):
 * objects read by their /Length, Flate streams inflated, each font's ToUnicode map applied to the
 * hex strings of the page's content stream, and a marked span's /ActualText in place of its glyphs. Enough for Chromium's (Skia's) PDFs, not a general reader.
 */
import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

function readObjects(pdf: Buffer): Map<number, PdfObject> {
  const src = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const start = /(\d+) 0 obj\b/g;
  let m: RegExpExecArray | null;
  // biome-ignore lint/suspicious/noAssignInExpressions: a scanner loop
  while ((m = start.exec(src))) {
    const id = Number(m[1]);
    const from = m.index + m[0].length;
    const end = src.indexOf('endobj', from);
    const streamAt = src.indexOf('stream', from);
    if (streamAt !== -1 && streamAt < end) {
      const dict = src.slice(from, streamAt);
      let at = streamAt + 'stream'.length;
      if (src[at] === '\r') at++;
      if (src[at] === '\n') at++;
      const length = Number(/\/Length (\d+)(?! \d+ R)/.exec(dict)?.[1] ?? -1);
      const stop = length >= 0 ? at + length : src.indexOf('endstream', at);
      const raw = pdf.subarray(at, stop);
      const stream = dict.includes('/FlateDecode') ? inflateSync(raw) : raw;
      objects.set(id, { dict, stream });
      start.lastIndex = src.indexOf('endobj', stop);
    } else {
      objects.set(id, { dict: src.slice(from, end) });
      start.lastIndex = end;
    }
  }
  return objects;
}

/** A ToUnicode CMap: code (hex, as in the content stream) → text. */
function toUnicode(cmap: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const [, code, text] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
      map.set(code!.toUpperCase(), utf16(text!));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
    for (const [, lo, hi, dst, list] of block[1]!.matchAll(
      /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(?:<([0-9a-fA-F]+)>|\[([^\]]*)\])/g,
    )) {
      const width = lo!.length;
      const first = Number.parseInt(lo!, 16);
      const last = Number.parseInt(hi!, 16);
      const targets = list ? [...list.matchAll(/<([0-9a-fA-F]+)>/g)].map((x) => x[1]!) : [];
      for (let c = first; c <= last; c++) {
        const code = c.toString(16).toUpperCase().padStart(width, '0');
        if (list) map.set(code, utf16(targets[c - first] ?? ''));
        else {
          const base = Buffer.from(dst!, 'hex');
          base.writeUInt16BE(base.readUInt16BE(base.length - 2) + (c - first), base.length - 2);
          map.set(code, base.swap16().toString('utf16le'));
        }
      }
    }
  return map;
}

const ref = (dict: string, key: string) => Number(new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(dict)?.[1]);

/** Each page's text in page order, text objects separated by a space. */
export function pdfPagesText(pdf: Buffer): string[] {
  const objects = readObjects(pdf);
  const get = (id: number) => objects.get(id) ?? { dict: '' };
  const pages: number[] = [];
  const walk = (id: number) => {
    const o = get(id);
    if (/\/Type\s*\/Pages\b/.test(o.dict))
      for (const [, kid] of /\/Kids\s*\[([^\]]*)\]/.exec(o.dict)![1]!.matchAll(/(\d+) 0 R/g))
        walk(Number(kid));
    else pages.push(id);
  };
  const root = [...objects].find(([, o]) => /\/Type\s*\/Catalog\b/.test(o.dict))!;
  walk(ref(root[1].dict, 'Pages'));
  return pages.map((id) => {
    const page = get(id);
    const resources = Number.isNaN(ref(page.dict, 'Resources'))
      ? page.dict
      : get(ref(page.dict, 'Resources')).dict;
    const fontDict = /\/Font\s*(?:<<([\s\S]*?)>>|(\d+) 0 R)/.exec(resources);
    const fontEntries = fontDict?.[1] ?? get(Number(fontDict?.[2])).dict;
    const fonts = new Map<string, Map<string, string>>();
    for (const [, name, fontId] of fontEntries.matchAll(/\/([^\s/]+)\s+(\d+) 0 R/g)) {
      const cmapId = ref(get(Number(fontId)).dict, 'ToUnicode');
      fonts.set(name!, toUnicode(get(cmapId).stream?.toString('latin1') ?? ''));
    }
    const contents = /\/Contents\s*(?:(\d+) 0 R|\[([^\]]*)\])/.exec(page.dict)!;
    const streams = contents[1]
      ? [Number(contents[1])]
      : [...contents[2]!.matchAll(/(\d+) 0 R/g)].map((x) => Number(x[1]));
    const content = streams.map((s) => get(s).stream?.toString('latin1') ?? '').join('\n');
    let font = new Map<string, string>();
    let text = '';
    // Inside /Span <</ActualText <FEFF...>>> BDC ... EMC the glyphs are replaced by the real text
    // (Chromium draws some Han characters with radical glyphs and says which character they are).
    let actual = false;
    for (const token of content.matchAll(
      /\/ActualText\s*<([0-9a-fA-F]*)>|\bEMC\b|\/([^\s/<>[\]()]+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]*)>|\bET\b/g,
    )) {
      if (token[1] !== undefined) {
        text += Buffer.from(token[1].replace(/^FEFF/i, ''), 'hex').swap16().toString('utf16le');
        actual = true;
      } else if (token[0] === 'EMC') actual = false;
      else if (token[2]) font = fonts.get(token[2]) ?? new Map();
      else if (token[3] !== undefined) {
        if (actual) continue;
        const hex = token[3].toUpperCase();
        const width = [...font.keys()][0]?.length ?? 4;
        for (let i = 0; i < hex.length; i += width) text += font.get(hex.slice(i, i + width)) ?? '';
      } else text += ' ';
    }
    return text;
  });
}
