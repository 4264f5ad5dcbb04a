// Suppression comments:
//   x = f()  # perflens: ignore[rule-a, rule-b]     this line (bare `ignore` = every rule)
//   # perflens: ignore[rule-a]                      on a line of its own: the next line
//   # perflens: ignore-file[rule-a]                 the whole file (bare = every rule)
//   # perflens: disable[rule-a] … # perflens: enable[rule-a]   a range of lines
//   # noqa  /  # noqa: rule-a                       Ruff/flake8 style; bare noqa silences every rule
import type { Node } from '../syntax/parser';
import type { RuleDefinition } from './rule';
import { CATEGORIES, type Finding, type Severity, type TextEdit } from '../../common/types';
import { withoutTrailingLineBreak, type LineIndex } from '../syntax/text';

export type SuppressionKind = 'line' | 'next-line' | 'file' | 'disable' | 'enable' | 'noqa';

export interface SuppressionComment {
  kind: SuppressionKind;
  /** Rule ids named in the comment; empty means every rule. */
  rules: string[];
  /** The comment's own range, to report unused or unknown suppressions on it. */
  start: number;
  end: number;
  /** The line the comment applies to (line and next-line kinds) or where a range starts/ends. */
  line: number;
}

// The grammar of one suppression comment, read here and nowhere else (the editor's "disable for this
// line / file" actions add a rule to an existing comment through readSuppression and write new ones
// through suppressionComment).
const PERFLENS = /#\s*perflens:\s*(ignore-file|ignore|disable|enable)\b(?:\[([^\]]*)\])?/;
const NOQA = /#\s*noqa\b(?::\s*([\w\-, ]+))?/i;

/**
 * What every text holding a suppression spells (PERFLENS's `perflens:`, NOQA's `noqa` in any case). Most files hold
 * none: one search of the text spares a whole-file lint reading each comment's text out of the tree (about 100 ms of a
 * one-thread CLI run over the stdlib). Character classes rather than the `i` flag: a third of the time on typing.py.
 */
const MAY_SUPPRESS = /perflens:|[Nn][Oo][Qq][Aa]/;

/** False when no comment of text can be a suppression (readSuppression would return null for each). */
export function mayHoldSuppression(text: string): boolean {
  return MAY_SUPPRESS.test(text);
}

export type PerflensVerb = 'ignore' | 'ignore-file' | 'disable' | 'enable';

/** One suppression comment as written. */
export interface SuppressionSyntax {
  verb: PerflensVerb | 'noqa';
  /** The rule ids listed (for noqa, any tool's codes); empty means every rule. */
  rules: string[];
  /** Offset of the comment's `#` in the text read. */
  start: number;
  /** Where the written rule list sits (between the brackets; after `noqa:`), or null when there is none. */
  list: { start: number; end: number } | null;
}

/** The suppression in text (a comment, or a line holding one): a perflens comment first, else a noqa; null when neither. */
export function readSuppression(text: string): SuppressionSyntax | null {
  const perflens = PERFLENS.exec(text);
  if (perflens) {
    // The list, when written, sits just before the match's closing `]`.
    return { verb: perflens[1] as PerflensVerb, rules: splitRules(perflens[2]), start: perflens.index, list: listSpan(perflens, perflens[2], 1) };
  }
  const noqa = NOQA.exec(text);
  // A noqa's list ends the match.
  return noqa ? { verb: 'noqa', rules: splitRules(noqa[1]), start: noqa.index, list: listSpan(noqa, noqa[1], 0) } : null;
}

/** A perflens suppression comment naming these rules: `# perflens: ignore[rule-a, rule-b]`. */
export function suppressionComment(verb: PerflensVerb, rules: readonly string[]): string {
  return `# perflens: ${verb}[${rules.join(', ')}]`;
}

/** The span of a match's rule list (group text `list`), which ends `after` characters before the match does. */
function listSpan(match: RegExpExecArray, list: string | undefined, after: number): { start: number; end: number } | null {
  if (list === undefined) return null;
  const end = match.index + match[0].length - after;
  return { start: end - list.length, end };
}

function splitRules(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseSuppressions(comments: readonly Node[], text: string, lines: LineIndex): SuppressionComment[] {
  const out: SuppressionComment[] = [];
  for (const comment of comments) {
    const syntax = readSuppression(comment.text);
    // Positions only for the few comments that suppress: the line index is built on first use.
    if (!syntax) continue;
    const at = lines.positionAt(comment.startIndex);
    const line = at.line;
    const ownLine = lines.lineText(line).slice(0, at.character).trim() === '';
    const { verb, rules } = syntax;
    const start = comment.startIndex;
    const end = withoutTrailingLineBreak(text, start, comment.endIndex);
    if (verb !== 'noqa') {
      const kind: SuppressionKind = verb === 'ignore' ? (ownLine ? 'next-line' : 'line') : verb === 'ignore-file' ? 'file' : verb;
      out.push({ kind, rules, start, end, line: kind === 'next-line' ? nextCodeLine(line, lines, text) : line });
      continue;
    }
    if (!ownLine) out.push({ kind: 'noqa', rules, start, end, line });
  }
  return out;
}

/** The next line after `line` that is not blank and not only a comment. */
function nextCodeLine(line: number, lines: LineIndex, _text: string): number {
  for (let l = line + 1; l < lines.lineCount; l++) {
    const t = lines.lineText(l).trim();
    if (t !== '' && !t.startsWith('#')) return l;
  }
  return line + 1;
}

/** Answers "is rule R suppressed on line L?" and remembers which comments were used. */
export class SuppressionIndex {
  private readonly byLine = new Map<number, SuppressionComment[]>();
  private readonly fileWide: SuppressionComment[] = [];
  private readonly ranges: { rules: string[]; from: number; to: number; comment: SuppressionComment }[] = [];
  readonly used = new Set<SuppressionComment>();

  constructor(readonly comments: SuppressionComment[]) {
    const open: SuppressionComment[] = [];
    for (const c of comments) {
      if (c.kind === 'file') this.fileWide.push(c);
      else if (c.kind === 'disable') open.push(c);
      else if (c.kind === 'enable') {
        for (let i = open.length - 1; i >= 0; i--) {
          const d = open[i];
          const closes = c.rules.length === 0 || d.rules.some((r) => c.rules.includes(r));
          if (!closes) continue;
          this.ranges.push({ rules: d.rules, from: d.line, to: c.line, comment: d });
          open.splice(i, 1);
        }
      } else {
        const list = this.byLine.get(c.line);
        if (list) list.push(c);
        else this.byLine.set(c.line, [c]);
      }
    }
    for (const d of open) this.ranges.push({ rules: d.rules, from: d.line, to: Number.MAX_SAFE_INTEGER, comment: d });
  }

  isSuppressed(ruleId: string, line: number): boolean {
    const applies = (rules: string[]) => rules.length === 0 || rules.includes(ruleId);
    for (const c of this.fileWide) if (applies(c.rules)) return this.use(c);
    for (const c of this.byLine.get(line) ?? []) {
      // A noqa listing only other tools' codes (E501, PERF401…) does not silence perflens.
      if (c.kind === 'noqa' && c.rules.length > 0 && !c.rules.includes(ruleId)) continue;
      if (applies(c.rules)) return this.use(c);
    }
    for (const r of this.ranges) if (line > r.from && line < r.to && applies(r.rules)) return this.use(r.comment);
    return false;
  }

  private use(c: SuppressionComment): true {
    this.used.add(c);
    return true;
  }
}

export const UNUSED_SUPPRESSION = 'unused-suppression';

/**
 * Suppression comments that silenced nothing, or name rules that do not exist. A comment naming a
 * rule that is switched off is left alone: it may matter under another configuration.
 */
export function unusedSuppressions(
  index: SuppressionIndex,
  text: string,
  active: ReadonlyMap<string, Severity>,
  known: ReadonlyMap<string, RuleDefinition>,
  severity: Severity,
): Finding[] {
  const findings: Finding[] = [];
  for (const c of index.comments) {
    if (c.kind === 'enable' || index.used.has(c)) continue;
    const unknown = c.rules.filter((r) => !known.has(r) && !(r in CATEGORIES));
    if (c.kind === 'noqa') {
      // Bare noqa and noqa naming other tools' codes belong to those tools.
      if (c.rules.length === 0 || c.rules.some((r) => !known.has(r))) continue;
    } else if (unknown.length > 0) {
      findings.push({
        ruleId: UNUSED_SUPPRESSION,
        start: c.start,
        end: c.end,
        severity,
        message: `Unknown rule${unknown.length > 1 ? 's' : ''} in suppression: ${unknown.join(', ')}`,
      });
      continue;
    }
    if (c.rules.length > 0 && !c.rules.every((r) => active.has(r) || r in CATEGORIES)) continue;
    if (c.rules.length === 0 && c.kind !== 'file' && c.kind !== 'line' && c.kind !== 'next-line') continue;
    findings.push({
      ruleId: UNUSED_SUPPRESSION,
      start: c.start,
      end: c.end,
      severity,
      message: c.rules.length ? `Unused suppression: nothing here is flagged by ${c.rules.join(', ')}` : 'Unused suppression: nothing here is flagged',
      fix: { title: 'Remove the unused suppression', safety: 'safe', edits: [removeComment(text, c.start, c.end)] },
    });
  }
  return findings;
}

/** Removes a comment and the blanks before it; a comment alone on its line takes the line with it. */
function removeComment(text: string, start: number, end: number): TextEdit {
  let from = start;
  while (from > 0 && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
  const ownLine = from === 0 || text[from - 1] === '\n' || text[from - 1] === '\r';
  if (ownLine) {
    let to = end;
    if (text[to] === '\r') to++;
    if (text[to] === '\n') to++;
    return { start: from, end: to, newText: '' };
  }
  return { start: from, end, newText: '' };
}
