// Where a name is spelled in source text: a prefilter for rules and helpers that would otherwise
// walk a subtree (~1 µs per node) looking for identifiers. A string search costs nanoseconds per
// character, and it is conservative: every identifier with that name is at one of the offsets
// found (strings and comments may add more), so finding none proves there is none.

import { ownedString } from './text';

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
  for (let i = nextWord(text, name); i !== -1; i = nextWord(text, name, i + 1)) out.push(i);
  return out;
}

/**
 * Each place where one of the words is spelled as a whole word (the union of wordOffsets for each), passed to `visit`
 * with the word. Five or more ASCII words are found in one scan of the text. An indexOf pass over a 12k-line file's 440k
 * characters costs 0.01-0.25 ms a word (rare letters are quick, `_` and common capitals slow), one regular expression
 * of many words about 0.25-0.37 ms whatever they are: the nineteen classes that a change to typing.Generic's `__slots__`
 * reaches (itself and its subclasses) took 2.3 ms a keystroke one by one, 0.37 ms together, while three rare words are
 * quicker alone (0.03 ms against 0.25). A whole-word match of ASCII words is a maximal run of ASCII word characters, so
 * no two overlap and the scan misses none; a word with any other character is searched for alone (wordOffsets).
 * Offsets come in text order for the scan's words, then each other word's in turn.
 */
export function forEachSpelling(text: string, words: Iterable<string>, visit: (at: number, word: string) => void): void {
  const ascii: string[] = [];
  const other: string[] = [];
  for (const word of words) if (word) (ASCII_WORD.test(word) ? ascii : other).push(word);
  if (ascii.length < SCAN_MIN_WORDS) other.push(...ascii);
  else {
    const scan = new RegExp(`(?<![A-Za-z0-9_])(?:${ascii.join('|')})(?![A-Za-z0-9_])`, 'g');
    for (let m = scan.exec(text); m; m = scan.exec(text)) visit(m.index, m[0]);
  }
  for (const word of other) for (const at of wordOffsets(text, word)) visit(at, word);
}

const ASCII_WORD = /^[A-Za-z0-9_]+$/;
/** From this many ASCII words, forEachSpelling scans once for all (see there). */
const SCAN_MIN_WORDS = 5;

/** The index of the first entry of a sorted list that is at least `value` (its length when none is). */
function firstAtLeast(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The offsets of a sorted list (wordOffsets) in [start, end), found by binary search: a def's share of a file's thousand `self`s. */
export function offsetsBetween(sorted: readonly number[], start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = firstAtLeast(sorted, start); i < sorted.length && sorted[i] < end; i++) out.push(sorted[i]);
  return out;
}

/**
 * The first offset at or after `from` where `name` is spelled as a whole word (as wordOffsets
 * counts it) and ends by `end`, or -1. The search stays inside [from, end): a miss in a small
 * window costs the window, not the rest of the file.
 */
export function nextWord(text: string, name: string, from = 0, end = text.length): number {
  if (!name) return -1;
  for (let i = indexBetween(text, name, from, end); i !== -1; i = indexBetween(text, name, i + 1, end)) {
    if (!isAsciiWordChar(text.charCodeAt(i - 1)) && !isAsciiWordChar(text.charCodeAt(i + name.length))) return i;
  }
  return -1;
}

/** text.indexOf(name, from), for a match that ends by `end`; -1 otherwise. */
function indexBetween(text: string, name: string, from: number, end: number): number {
  if (end >= text.length) return text.indexOf(name, from);
  // A short window (WordIndex.edited's, around a keystroke, for each remembered word) is compared in place: a slice of a
  // few characters is a new string, and it was most of what carrying the word index across a keystroke allocated.
  if (end - from <= SHORT_WINDOW) {
    for (let i = from; i + name.length <= end; i++) if (text.startsWith(name, i)) return i;
    return -1;
  }
  const i = text.slice(from, end).indexOf(name);
  return i === -1 ? -1 : from + i;
}

/** Windows up to this many characters are searched without a slice (indexBetween). */
const SHORT_WINDOW = 64;

/**
 * At most how many calls in text have the bare name as their callee (`name(...)`, not `x.name(...)`):
 * the word spellings not right after a `.` and followed by `(`. Where a line break, a line
 * continuation or a comment sits in between, the spelling counts (it might be a call).
 */
export function possibleCallsOf(text: string, name: string): number {
  return possibleCallOffsets(text, name).length;
}

/** The offsets of the spellings possibleCallsOf counts, in order (`spelled`: wordOffsets(text, name), when known). */
export function possibleCallOffsets(text: string, name: string, spelled: readonly number[] = wordOffsets(text, name)): number[] {
  const out: number[] = [];
  for (const at of spelled) {
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

/**
 * One remembered word's offsets in WordIndex, shifted lazily: the entries from index `from` on are `delta` short of
 * where the word now stands (the edits since they were last read moved them); those before `from` are exact. An edit
 * then costs the word a binary search and the entries between its place and the last edit's, not a rewrite of every
 * offset after it (a 12k-line file remembers a few thousand `self`s, shifted on every keystroke).
 */
interface Spellings {
  readonly at: number[];
  from: number;
  delta: number;
  /** Only ASCII word characters: its whole-word spellings are maximal runs of them (see WordIndex.edited). */
  readonly ascii: boolean;
}

/**
 * wordOffsets over a whole file's text, remembered per word and carried across an edit: after a
 * keystroke in a 12k-line file the class index and a few rules look up the same handful of names
 * again, and each search of the whole text cost about 0.1 ms. An edited index keeps every offset
 * away from the edit (shifted lazily: Spellings) and searches again only around it.
 */
export class WordIndex {
  /**
   * What the lint that made this index looked up by name (every word asked for, remembered or not), and whether it
   * read something of the whole file another way (marked by the analysis that did): an incremental lint carries a
   * finding's impact across an edit only when the edited code spells none of these words (see engine.ts `ranked`).
   */
  readonly reads: NameReads = { words: new Set(), wholeFile: false, ranges: [] };

  /** Offset entries written by `edited` and by the lazy shifts' catching up, over every index (tests: an edit away from a word's spellings writes none of them). */
  static shiftedEntries = 0;

  constructor(
    readonly text: string,
    private readonly offsets = new Map<string, Spellings>(),
  ) {}

  /** An index of the same text that shares the offsets this one remembers, with reads of its own. */
  sharing(): WordIndex {
    return new WordIndex(this.text, this.offsets);
  }

  /** wordOffsets(text, word). */
  of(word: string): readonly number[] {
    // Owned, as lookup's keys: the reads are kept with the findings they ranked, across edits.
    if (!this.reads.words.has(word)) this.reads.words.add(ownedString(word));
    return this.lookup(word);
  }

  /**
   * Each place where one of the words is spelled as a whole word (forEachSpelling), not counted among the reads: for the
   * incremental linter's own bookkeeping (where an edited class is spelled), which ranks no finding. Remembered as `of`
   * remembers, so that the next keystroke's answer is shifted, not searched for in the whole text again.
   */
  spellings(words: ReadonlySet<string>, visit: (at: number, word: string) => void): void {
    // The words not remembered are searched for in one scan of the text (forEachSpelling: nineteen names took 2.3 ms one
    // by one on a 12k-line file, 0.37 ms together), and remembered.
    const missing = new Map<string, number[]>();
    for (const word of words) {
      if (!word) continue;
      if (this.offsets.has(word)) for (const at of this.lookup(word)) visit(at, word);
      else missing.set(word, []);
    }
    if (missing.size === 0) return;
    forEachSpelling(this.text, missing.keys(), (at, word) => missing.get(word)!.push(at));
    missing.forEach((at, word) => {
      // In text order (forEachSpelling gives each word's offsets in order), as lookup keeps them.
      this.remember(word, at);
      for (const k of at) visit(k, word);
    });
  }

  private remember(word: string, at: number[]): void {
    if (this.offsets.size >= WordIndex.MAX_WORDS) this.offsets.clear();
    // Carried across edits: an owned key, not a view into the text of the lint that asked (ownedString). Tested as the key:
    // a regular expression keeps its last subject (RegExp.input), and a view would keep that text alive.
    const key = ownedString(word);
    this.offsets.set(key, { at, from: at.length, delta: 0, ascii: ASCII_WORD.test(key) });
  }

  /**
   * The offsets of `word` in [start, end), not counted among the reads: a look inside code already reached (a def
   * around a finding, or one found by a name that was read), which depends on that code's text alone.
   */
  between(word: string, start: number, end: number): number[] {
    // Recorded as a range, not a word: the answer rests on that code's text alone (markCarriedImpacts, per member). A
    // range asked about again at once (each word of a def's body in turn) is recorded once.
    const ranges = this.reads.ranges;
    if (ranges[ranges.length - 2] !== start || ranges[ranges.length - 1] !== end) ranges.push(start, end);
    return offsetsBetween(this.lookup(word), start, end);
  }

  /**
   * Whether `word` is spelled as a whole word within [start, end) (isSpelledBetween), answered from the offsets this index
   * remembers, pending shift and all, without reading the text or recording a read; undefined when the word is not
   * remembered. An incremental lint asks it of the words a kept finding's ranking read (markCarriedImpacts), which this
   * index looked up then: a search of a re-read class's text per word was 3 % of a 12k-line file's keystroke.
   */
  spelledBetween(word: string, start: number, end: number): boolean | undefined {
    const spellings = this.offsets.get(word);
    if (!spellings) return undefined;
    const k = firstAtLeastShifted(spellings, start);
    return k < spellings.at.length && spellings.at[k] + (k >= spellings.from ? spellings.delta : 0) + word.length <= end;
  }

  private lookup(word: string): readonly number[] {
    const found = this.offsets.get(word);
    if (found) {
      // Read: the pending shift is applied now (to this word only).
      shiftFrom(found, found.at.length);
      return found.at;
    }
    const at = wordOffsets(this.text, word);
    this.remember(word, at);
    return at;
  }

  /**
   * The index of `text`, which is this index's text with [start, oldEnd) replaced by the text now
   * at [start, newEnd). A spelling touching the edit may have stopped (or started) being a whole
   * word, so those are searched again, with a word's length of margin on both sides.
   * This index is spent: its offsets are shifted in place and handed on (an incremental lint calls it
   * per keystroke, and copying every remembered word's offsets, a thousand `self`s, was a sixth of
   * what a keystroke's lint allocated). The offsets after the edit are shifted lazily (Spellings).
   */
  edited(text: string, change: { start: number; oldEnd: number; newEnd: number }): WordIndex {
    const delta = change.newEnd - change.oldEnd;
    // The whole-word spellings of ASCII words around the edit are the maximal runs of ASCII word characters that touch
    // [start, newEnd]: found once for every word, instead of a search of the edit's window per remembered word.
    const runs = runsTouching(text, change.start, change.newEnd);
    // forEach, not for...of: no entry array per word.
    this.offsets.forEach((spellings, word) => {
      const offsets = spellings.at;
      const n = offsets.length;
      // Nothing to do for a word whose spellings all lie before the edit's margin, none pending a shift, and that the edit
      // did not spell (most remembered words of a file, for an edit below them): no search, no write. (With none pending,
      // `delta` is not read until a later edit sets entries pending again, which adds it back as it subtracts it.)
      if (spellings.from === n && (n === 0 || offsets[n - 1] < change.start - word.length) && spellings.ascii && !runs.has(word)) return;
      // Kept as they are: the spellings ending before the edit's margin; shifted: those after the removed text.
      const kept = firstAtLeastShifted(spellings, change.start - word.length);
      const after = firstAtLeastShifted(spellings, change.oldEnd + 1);
      // From here on the entries before `after` are exact and those from it on are spellings.delta short.
      shiftFrom(spellings, after);
      let found: number[] | undefined;
      const last = kept === 0 ? -1 : offsets[kept - 1];
      if (spellings.ascii) {
        const starts = runs.get(word);
        if (starts) for (const i of starts) if (i > last) (found ??= []).push(i);
      } else {
        const windowEnd = Math.min(text.length, change.newEnd + word.length);
        for (let i = nextWord(text, word, Math.max(0, change.start - word.length), windowEnd); i !== -1; i = nextWord(text, word, i + 1, windowEnd)) {
          if (i > last) (found ??= []).push(i);
        }
      }
      if (found) offsets.splice(kept, after - kept, ...found);
      else if (after > kept) offsets.splice(kept, after - kept);
      spellings.from = kept + (found?.length ?? 0);
      spellings.delta += delta;
    });
    return new WordIndex(text, this.offsets);
  }

  /** Words remembered at most (a file's lints ask for a few dozen). */
  static readonly MAX_WORDS = 256;
}

/**
 * Moves the start of a word's pending shift to `to`: the entries between its old start and `to` are brought to where
 * they stand (when `to` is later) or set back to be shifted with the rest (when it is earlier). Entries before `to` are
 * then exact, the rest still `delta` short.
 */
function shiftFrom(s: Spellings, to: number): void {
  if (s.delta === 0) {
    s.from = to;
    return;
  }
  const { at, delta } = s;
  if (s.from < to) for (let k = s.from; k < to; k++) at[k] += delta;
  else for (let k = to; k < s.from; k++) at[k] -= delta;
  WordIndex.shiftedEntries += Math.abs(to - s.from);
  s.from = to;
  if (to === at.length) s.delta = 0;
}

/** The index of the first offset (as it now stands, pending shift applied) that is at least `value`. */
function firstAtLeastShifted(s: Spellings, value: number): number {
  const { at, from, delta } = s;
  let low = 0;
  let high = at.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (at[mid] + (mid >= from ? delta : 0) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The maximal runs of ASCII word characters that touch one of the spans (each [start, end], end one past the last edited
 * character), by their text: what gateHitNear looks among for every carried gate that did not match, instead of
 * searching each span once per gate word.
 */
export function wordRunsNear(text: string, spans: readonly GateHit[]): Map<string, number[]> {
  if (spans.length === 1) return runsTouching(text, spans[0].start, spans[0].end);
  const runs = new Map<string, number[]>();
  for (const span of spans) {
    runsTouching(text, span.start, span.end).forEach((starts, run) => {
      const all = runs.get(run);
      if (all) all.push(...starts);
      else runs.set(run, starts);
    });
  }
  return runs;
}

/**
 * The maximal runs of ASCII word characters in text that touch [start, end] (end one past the last edited character:
 * a run starting there touches it too), by their text: where each starts, in order.
 */
function runsTouching(text: string, start: number, end: number): Map<string, number[]> {
  const runs = new Map<string, number[]>();
  let i = start;
  while (i > 0 && isAsciiWordChar(text.charCodeAt(i - 1))) i--;
  while (i <= end && i < text.length) {
    if (!isAsciiWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const runStart = i;
    while (i < text.length && isAsciiWordChar(text.charCodeAt(i))) i++;
    const run = text.slice(runStart, i);
    const starts = runs.get(run);
    if (starts) starts.push(runStart);
    else runs.set(run, [runStart]);
  }
  return runs;
}

/** The names one lint looked up in the whole text, and whether it read the whole file otherwise (WordIndex.reads). */
export interface NameReads {
  readonly words: Set<string>;
  wholeFile: boolean;
  /** The ranges looked inside (WordIndex.between), start and end in turn, in the text of the lint that read them. */
  readonly ranges: number[];
}

/** True when `name` is spelled as a whole word (as wordOffsets finds it) within text[start, end). */
export function isSpelledBetween(text: string, name: string, start: number, end: number): boolean {
  return nextWord(text, name, start, end) !== -1;
}

export function hasWord(text: string, name: string): boolean {
  return nextWord(text, name) !== -1;
}

/** Where a text gate matched: [start, end) of the match. */
export interface GateHit {
  start: number;
  end: number;
}

/** `\bword\b` or `\b(one|two)\b`, without flags: the shape of most rules' requiresText. */
const WORD_GATE = /^\\b\(?(\w+(?:\|\w+)*)\)?\\b$/;
/** A gate that is a plain word (`__slots__`): it matches wherever those characters are. */
const LITERAL_GATE = /^\w+$/;
const gateWords = new WeakMap<RegExp, { words: string[]; whole: boolean } | null>();

function wordsOf(regex: RegExp): { words: string[]; whole: boolean } | null {
  let words = gateWords.get(regex);
  if (words === undefined) {
    const word = regex.flags === '' ? WORD_GATE.exec(regex.source) : null;
    words = word
      ? { words: word[1].split('|'), whole: true }
      : regex.flags === '' && LITERAL_GATE.test(regex.source)
        ? { words: [regex.source], whole: false }
        : null;
    gateWords.set(regex, words);
  }
  return words;
}

/**
 * Where `regex` matches text, or null: regex.exec answered with indexOf for word gates
 * (`\b(async|await)\b`). The engine tests rules' text gates on every lint, and in the editor a
 * regex scan of a large file per keystroke costs about as much as the re-parse. JS's `\b` (no
 * `u`/`i` flags) is the ASCII word boundary isAsciiWordChar tests, so the answer is the same.
 */
export function gateHit(regex: RegExp, text: string): GateHit | null {
  const gate = wordsOf(regex);
  if (!gate) {
    const m = regex.exec(text);
    return m ? { start: m.index, end: m.index + m[0].length } : null;
  }
  let best: GateHit | null = null;
  for (const w of gate.words) {
    const at = gate.whole ? nextWord(text, w) : text.indexOf(w);
    if (at !== -1 && (!best || at < best.start)) best = { start: at, end: at + w.length };
  }
  return best;
}

/**
 * True when a hit of this gate still matches after an edit that left [start, end] and its two
 * neighbouring characters alone: the gate reads nothing else (a word or plain-word gate). A
 * regular expression with other context (anchors, lookarounds) is always tested again.
 */
export function hitOutlivesEdits(regex: RegExp): boolean {
  return wordsOf(regex) !== null;
}

/**
 * For a gate that did not match before an edit: where it matches now, looking only around the
 * edited spans (offsets in the new text; a deletion is an empty span). A new whole-word match must
 * contain or border an edited character, so it starts within a word's length before a span and no
 * later than its end. Only for gates whose hits outlive edits (hitOutlivesEdits).
 */
export function gateHitNear(regex: RegExp, text: string, spans: readonly GateHit[], runs?: ReadonlyMap<string, readonly number[]>): GateHit | null {
  const gate = wordsOf(regex);
  if (!gate) throw new Error(`gateHitNear needs a word gate, not ${regex}`);
  let best: GateHit | null = null;
  for (const w of gate.words) {
    // A whole-word gate's words are ASCII (`\w+`): a new spelling is one of the runs of word characters touching a span.
    if (gate.whole && runs) {
      for (const at of runs.get(w) ?? []) if (!best || at < best.start) best = { start: at, end: at + w.length };
      continue;
    }
    for (const span of spans) {
      // Starts from a word's length before the span to the span's end: it ends by span.end + length.
      const from = Math.max(0, span.start - w.length);
      const end = span.end + w.length;
      const at = gate.whole ? nextWord(text, w, from, end) : indexBetween(text, w, from, end);
      if (at !== -1 && (!best || at < best.start)) best = { start: at, end: at + w.length };
    }
  }
  return best;
}

/**
 * The words of a set of word gates (`\b(async|await)\b`, `__slots__`), searched for all at once: which of them a
 * text spells at all. A whole-file lint tests a dozen gates, most of which miss, and each miss was a search of the
 * whole text (on the stdlib, one search for every word together cost half of the searches one by one).
 */
export class GateWords {
  private readonly words: string[];
  /** The search for each set of words still missing (a text that spells one word often is not stopped at each spelling). */
  private readonly patterns = new Map<string, RegExp>();

  constructor(gates: Iterable<RegExp>) {
    const words = new Set<string>();
    for (const regex of gates) for (const w of wordsOf(regex)?.words ?? []) words.add(w);
    this.words = [...words];
  }

  /** The gates' words that text contains, as whole words or inside longer ones. */
  present(text: string): Set<string> {
    const found = new Set<string>();
    let missing = this.words;
    for (let from = 0; missing.length > 0;) {
      const pattern = this.patternFor(missing);
      pattern.lastIndex = from;
      const m = pattern.exec(text);
      if (!m) break;
      // No missing word starts before m.index; every one that starts there (one may begin another: `local` and
      // `locals`) is found now, and the search goes on from the next character for the others.
      for (const w of missing) if (text.startsWith(w, m.index)) found.add(w);
      missing = missing.filter((w) => !found.has(w));
      from = m.index + 1;
    }
    return found;
  }

  private patternFor(words: readonly string[]): RegExp {
    const key = words.join('|');
    let pattern = this.patterns.get(key);
    if (!pattern) {
      if (this.patterns.size >= 256) this.patterns.clear();
      // Words are \w+ (wordsOf), so they need no escaping.
      pattern = new RegExp(key, 'g');
      this.patterns.set(key, pattern);
    }
    return pattern;
  }

  /** False when no word of this gate is among `present`: the gate cannot match. True when it might (or is no word gate). */
  mayMatch(regex: RegExp, present: ReadonlySet<string>): boolean {
    const gate = wordsOf(regex);
    return gate === null || !gate.words.every((w) => this.words.includes(w)) || gate.words.some((w) => present.has(w));
  }
}

/**
 * One lint's answers to rules' text gates, each tested at most once, with where it matched:
 * incremental linting hands the hits that an edit left alone to the next lint (`known`), so a
 * keystroke does not scan the whole file again for `async`.
 */
export class TextGates {
  /** Every answer so far: the known ones, then each gate tested. */
  readonly hits: Map<RegExp, GateHit | null>;
  /** Answers by the gate's source: rules that declare the same gate (five spell `/__slots__/`) share one search. */
  private readonly bySource = new Map<string, GateHit | null>();
  private present?: Set<string>;

  constructor(
    private readonly text: string,
    /**
     * Answers known to hold for this text (null: known not to match). Taken over, not copied: the answers found later
     * are added to this map (a keystroke's lint passes the carried answers it made for this lint; copying them into a
     * new map was a few per cent of what the lint allocated).
     */
    known?: Map<RegExp, GateHit | null>,
    /** A whole-file lint's gates' words, searched for together on the first gate tested (see GateWords). */
    private readonly words?: GateWords,
  ) {
    this.hits = known ?? new Map();
  }

  matches(regex: RegExp): boolean {
    let hit = this.hits.get(regex);
    if (hit === undefined) {
      const key = regex.flags === '' ? regex.source : null;
      hit = key === null ? undefined : this.bySource.get(key);
      if (hit === undefined) {
        if (this.words) this.present ??= this.words.present(this.text);
        hit = this.words && !this.words.mayMatch(regex, this.present!) ? null : gateHit(regex, this.text);
        if (key !== null) this.bySource.set(key, hit);
      }
      this.hits.set(regex, hit);
    }
    return hit !== null;
  }
}
