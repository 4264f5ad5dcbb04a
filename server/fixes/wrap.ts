// Keeping the lines a fix writes within the project's line length, laid out the way Black (and Ruff's
// formatter) would: a line too long is broken inside its last bracket pair (head `f(`, body, tail `)`);
// a body still too long is split at its strongest delimiters, one comprehension clause or one element
// per line (with a trailing comma after elements), and each piece is laid out again the same way.
// The input is one logical line of code the fix generated; anything the scanner does not understand
// (a comment, a backslash, a multi-line string, unbalanced brackets) leaves the line as it is.

import type { FileFacts } from '../analysis/facts';
import { detectEol } from '../syntax/text';
import { fileIndentUnit } from './indentation';

/** How a fix's new lines are laid out: the project's line length and indentation, and the file's line break. */
export interface LineStyle {
  /** Longest line, in characters (`line-length` of Ruff or Black; 88 by default). */
  width: number;
  /** One level of indentation in this file. */
  unit: string;
  eol: string;
}

/** Black's and Ruff's default line length, used when the project sets none. */
export const DEFAULT_LINE_LENGTH = 88;

/** The layout of new lines in this file at the project's line length (rules pass `ctx.settings.lineLength`). */
export function lineStyle(facts: FileFacts, width: number): LineStyle {
  return { width, unit: fileIndentUnit(facts), eol: detectEol(facts.text) };
}

interface Token {
  kind: 'open' | 'close' | 'comma' | 'word' | 'string' | 'other';
  start: number;
  end: number;
  text: string;
  /** For brackets: the index of the matching token. */
  match?: number;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);
/** Words after which a bracket starts a display (`in [1, 2]`), not a call or subscript. */
const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'if',
  'else',
  'for',
  'return',
  'yield',
  'await',
  'lambda',
  'assert',
  'raise',
  'del',
  'with',
  'as',
  'from',
  'elif',
  'while',
]);

/**
 * The tokens of one line of Python, or null when the line holds something a re-layout could damage
 * or that the scanner does not model (comments, line continuations, line breaks, unbalanced brackets).
 */
function tokenize(line: string): Token[] | null {
  const tokens: Token[] = [];
  const stack: number[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '#' || ch === '\\' || ch === '\n' || ch === '\r') return null;
    const string = /^[A-Za-z]{0,2}('''|"""|'|")/.exec(line.slice(i, i + 5));
    if (string && (string[0].length === string[1].length || /^[rRbBuUfF]{1,2}$/.test(string[0].slice(0, -string[1].length)))) {
      const end = stringEnd(line, i + string[0].length, string[1]);
      if (end < 0) return null;
      tokens.push({ kind: 'string', start: i, end, text: line.slice(i, end) });
      i = end;
      continue;
    }
    const word = /^[\p{L}\p{N}_]+/u.exec(line.slice(i));
    if (word) {
      tokens.push({ kind: 'word', start: i, end: i + word[0].length, text: word[0] });
      i += word[0].length;
      continue;
    }
    if (OPENERS[ch]) {
      stack.push(tokens.length);
      tokens.push({ kind: 'open', start: i, end: i + 1, text: ch });
    } else if (CLOSERS.has(ch)) {
      const open = stack.pop();
      if (open === undefined || OPENERS[tokens[open].text] !== ch) return null;
      tokens[open].match = tokens.length;
      tokens.push({ kind: 'close', start: i, end: i + 1, text: ch, match: open });
    } else {
      tokens.push({ kind: ch === ',' ? 'comma' : 'other', start: i, end: i + 1, text: ch });
    }
    i++;
  }
  return stack.length === 0 ? tokens : null;
}

/** Offset just past the string whose body starts at `from`, or -1 when it does not end on this line. */
function stringEnd(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line.startsWith(quote, i)) return i + quote.length;
  }
  return -1;
}

const length = (s: string) => [...s].length;

/**
 * The text of `line` (one logical line of generated code that will start at `indent`) laid out
 * within `style.width`: unchanged when it fits or cannot be wrapped safely, otherwise over several
 * lines. The first line carries no indentation (it goes where the line was); the others carry theirs.
 */
export function wrapLine(line: string, indent: string, style: LineStyle): string {
  if (length(indent + line) <= style.width) return line;
  const lines = splitStatement(line, indent, style);
  return lines ? lines.join(style.eol).slice(indent.length) : line;
}

/** A statement line, split at its last bracket pair (Black's right-hand split); null when it has none worth splitting. */
function splitStatement(line: string, indent: string, style: LineStyle): string[] | null {
  const tokens = tokenize(line);
  if (!tokens) return null;
  return rightHandSplit(line, tokens, indent, style);
}

function rightHandSplit(line: string, tokens: Token[], indent: string, style: LineStyle): string[] | null {
  // The last bracket pair at depth 0 whose body is not empty (`f(x).g()` splits at `f(`).
  for (let close = tokens.length - 1; close >= 0; close--) {
    const token = tokens[close];
    if (token.kind !== 'close') continue;
    const open = token.match!;
    if (atDepth(tokens, open) !== 0) continue;
    if (open + 1 === close) {
      close = open;
      continue;
    }
    const head = line.slice(0, tokens[open].end).trimEnd();
    const body = line.slice(tokens[open].end, token.start).trim();
    const tail = line.slice(token.start).trim();
    const inner = indent + style.unit;
    const explode = isDisplay(tokens, open) && hasTopLevelComma(body);
    const bodyLines = layoutBody(body, inner, style, explode);
    if (!bodyLines) return null;
    return [indent + head, ...bodyLines, indent + tail];
  }
  return null;
}

/** Bracket depth at token index i (0 for the statement's own level). */
function atDepth(tokens: Token[], i: number): number {
  let depth = 0;
  for (let k = 0; k < i; k++) {
    if (tokens[k].kind === 'open') depth++;
    else if (tokens[k].kind === 'close') depth--;
  }
  return depth;
}

/** A bracket that starts a list, tuple, set or dict display rather than a call or subscript: Black always explodes those one element per line. */
function isDisplay(tokens: Token[], open: number): boolean {
  const before = tokens[open - 1];
  if (!before) return true;
  if (before.kind === 'close' || before.kind === 'string') return false;
  if (before.kind === 'word') return KEYWORDS.has(before.text);
  return true;
}

/** Commas are the body's strongest delimiter (a comprehension's clauses outrank the comma in `for i, w in`). */
function hasTopLevelComma(body: string): boolean {
  const tokens = tokenize(body);
  if (!tokens) return false;
  const top = topLevel(tokens);
  return comprehensionCuts(top).length === 0 && top.some((t) => t.kind === 'comma');
}

/** The tokens at the body's own level: not inside brackets, nor among a lambda's parameters (`lambda a, b:`), whose commas are no delimiters. */
function topLevel(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let depth = 0;
  let inLambdaParameters = false;
  for (const t of tokens) {
    if (t.kind === 'close') depth--;
    if (depth === 0 && !inLambdaParameters) out.push(t);
    if (depth === 0 && t.kind === 'word' && t.text === 'lambda') inLambdaParameters = true;
    else if (depth === 0 && inLambdaParameters && t.text === ':') inLambdaParameters = false;
    if (t.kind === 'open') depth++;
  }
  return out;
}

/**
 * The lines of a bracket's body at `indent`: one line when it fits (and is not a display with
 * commas), otherwise split at its strongest top-level delimiter, each piece laid out again.
 */
function layoutBody(body: string, indent: string, style: LineStyle, explode: boolean): string[] | null {
  const tokens = tokenize(body);
  if (!tokens) return null;
  const magicComma = tokens[tokens.length - 1]?.kind === 'comma';
  if (!explode && !magicComma && length(indent + body) <= style.width) return [indent + body];
  const pieces = delimiterSplit(body, tokens);
  if (!pieces) {
    // No delimiter: split the body's own last bracket pair, or leave it long (a long string has no better layout).
    return rightHandSplit(body, tokens, indent, style) ?? [indent + body];
  }
  const out: string[] = [];
  for (const piece of pieces) {
    const lines = layoutPiece(piece, indent, style);
    if (!lines) return null;
    out.push(...lines);
  }
  return out;
}

/** One piece of a split body (an element with its comma, or a comprehension clause). */
function layoutPiece(piece: string, indent: string, style: LineStyle): string[] | null {
  if (length(indent + piece) <= style.width) return [indent + piece];
  const tokens = tokenize(piece);
  if (!tokens) return null;
  // A comprehension clause (`for i, w in pairs(…)`) is split only inside its brackets, never at the target's commas.
  if (/^(async\s+)?for\b|^if\b/.test(piece)) return rightHandSplit(piece, tokens, indent, style) ?? [indent + piece];
  const ownComma = tokens[tokens.length - 1]?.kind === 'comma';
  const inner = ownComma ? tokens.slice(0, -1) : tokens;
  const pieces = delimiterSplit(piece.slice(0, ownComma ? tokens[tokens.length - 1].start : piece.length), inner);
  if (pieces) {
    const out: string[] = [];
    for (const p of pieces) {
      const lines = layoutPiece(p, indent, style);
      if (!lines) return null;
      out.push(...lines);
    }
    if (ownComma) out[out.length - 1] += ',';
    return out;
  }
  return rightHandSplit(piece, tokens, indent, style) ?? [indent + piece];
}

/**
 * The body cut at its strongest top-level delimiter, in Black's order of priority: comprehension
 * clauses, then commas (each element keeps or gains its comma), then a conditional expression's
 * `if`/`else`, then `and`/`or`. Null when there is none.
 */
function delimiterSplit(body: string, tokens: Token[]): string[] | null {
  const pieces = piecesAtStrongestDelimiter(body, tokens);
  return pieces && pieces.length > 1 ? pieces : null;
}

function piecesAtStrongestDelimiter(body: string, tokens: Token[]): string[] | null {
  const top = topLevel(tokens);
  const cuts = comprehensionCuts(top);
  if (cuts.length) return cutAt(body, cuts);
  const commas = top.filter((t) => t.kind === 'comma');
  if (commas.length) {
    const pieces: string[] = [];
    let from = 0;
    for (const comma of commas) {
      pieces.push(body.slice(from, comma.end).trim());
      from = comma.end;
    }
    const rest = body.slice(from).trim();
    if (rest) pieces.push(`${rest}${trailingCommaSafe(rest) ? ',' : ''}`);
    return pieces;
  }
  const ternary = top.filter((t) => t.kind === 'word' && (t.text === 'if' || t.text === 'else'));
  if (ternary.length)
    return cutAt(
      body,
      ternary.map((t) => t.start),
    );
  const logic = top.filter((t) => t.kind === 'word' && (t.text === 'and' || t.text === 'or'));
  if (logic.length)
    return cutAt(
      body,
      logic.map((t) => t.start),
    );
  return null;
}

/** Where the clauses of a comprehension start: each top-level `for` (or `async for`) and, after the first, each `if`. */
function comprehensionCuts(top: Token[]): number[] {
  const cuts: number[] = [];
  let inClauses = false;
  for (let i = 0; i < top.length; i++) {
    const t = top[i];
    if (t.kind !== 'word') continue;
    if (t.text === 'for') {
      const previous = top[i - 1];
      cuts.push(previous?.kind === 'word' && previous.text === 'async' ? previous.start : t.start);
      inClauses = true;
    } else if (t.text === 'if' && inClauses) {
      cuts.push(t.start);
    }
  }
  return cuts;
}

/** A comma may follow the last element unless it is a lone generator argument or an unpacking that forbids one. */
function trailingCommaSafe(last: string): boolean {
  return !/^\*\*?\s*$/.test(last);
}

function cutAt(body: string, offsets: number[]): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const at of offsets) {
    if (at > from) pieces.push(body.slice(from, at).trim());
    from = at;
  }
  pieces.push(body.slice(from).trim());
  return pieces.filter((p) => p !== '');
}
