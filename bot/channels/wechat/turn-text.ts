/**
 * A turn's replies as few WeChat messages as fit: joined by a blank line (as the replies read
 * one after the other), split only when the text would pass the length limit — between whole
 * replies where possible, else between lines, and only a single over-long line is cut, at a
 * character boundary (never inside a character, so no emoji or rare character breaks).
 * Sizes are UTF-8 bytes, the unit WeChat's documented text limits use (2048 bytes).
 */
const replyGap = '\n\n';
const size = (s: string) => Buffer.byteLength(s, 'utf8');

export function turnMessages(replies: readonly string[], maxBytes: number): string[] {
  const out: string[] = [];
  let current = '';
  const add = (piece: string, gap: string) => {
    if (!current) current = piece;
    else if (size(current) + size(gap) + size(piece) <= maxBytes) current += gap + piece;
    else {
      out.push(current);
      current = piece;
    }
  };
  for (const reply of replies.filter((r) => r.length)) {
    if (size(reply) <= maxBytes) {
      add(reply, replyGap);
      continue;
    }
    let gap = replyGap;
    for (const line of reply.split('\n')) {
      for (const piece of cut(line, maxBytes)) {
        add(piece, gap);
        gap = '\n';
      }
    }
  }
  if (current) out.push(current);
  return out;
}

/** A line longer than the limit in pieces of at most `max` bytes, whole code points. */
function cut(line: string, max: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of line) {
    if (piece && size(piece) + size(ch) > max) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  pieces.push(piece);
  return pieces;
}
