// Where a name is spelled in source text: a prefilter for rules and helpers that would otherwise
// walk a subtree (~1 µs per node) looking for identifiers. A string search costs nanoseconds per
// character, and it is conservative: every identifier with that name is at one of the offsets
// found (strings and comments may add more), so finding none proves there is none.

/** ASCII letters, digits and `_` (false for NaN, outside the text). */
export function isAsciiWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/**
 * Offsets (relative to text) where `name` is spelled as a whole word: not inside a longer run of
 * ASCII word characters. A non-ASCII neighbour does not disqualify a spelling (it may or may not
 * belong to the identifier), so no identifier is ever missed.
 */
export function wordOffsets(text: string, name: string): number[] {
  const out: number[] = [];
  if (!name) return out;
  for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
    if (isAsciiWordChar(text.charCodeAt(i - 1)) || isAsciiWordChar(text.charCodeAt(i + name.length))) continue;
    out.push(i);
  }
  return out;
}

/**
 * At most how many calls in text have the bare name as their callee (`name(...)`, not `x.name(...)`):
 * the word spellings not right after a `.` and followed by `(`. Where a line break, a line
 * continuation or a comment sits in between, the spelling counts (it might be a call).
 */
export function possibleCallsOf(text: string, name: string): number {
  return possibleCallOffsets(text, name).length;
}

/** The offsets of the spellings possibleCallsOf counts, in order. */
export function possibleCallOffsets(text: string, name: string): number[] {
  const out: number[] = [];
  for (const at of wordOffsets(text, name)) {
    let before = at - 1;
    while (text[before] === ' ' || text[before] === '\t') before--;
    if (text[before] === '.') continue;
    let after = at + name.length;
    while (text[after] === ' ' || text[after] === '\t') after++;
    const next = text[after];
    if (next === '(' || (next !== undefined && /[\s\\#]/.test(next))) out.push(at);
  }
  return out;
}

/** True when `name` is spelled as a whole word (as wordOffsets finds it) within text[start, end). */
export function isSpelledBetween(text: string, name: string, start: number, end: number): boolean {
  if (!name) return false;
  for (let i = text.indexOf(name, start); i !== -1 && i + name.length <= end; i = text.indexOf(name, i + 1)) {
    if (!isAsciiWordChar(text.charCodeAt(i - 1)) && !isAsciiWordChar(text.charCodeAt(i + name.length))) return true;
  }
  return false;
}
