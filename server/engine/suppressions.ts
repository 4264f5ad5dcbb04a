// Suppression comments:
//   x = f()  # perflens: ignore[rule-a, rule-b]     this line (bare `ignore` = every rule)
//   # perflens: ignore[rule-a]                      on a line of its own: the next line
//   # perflens: ignore-file[rule-a]                 the whole file (bare = every rule)
//   # perflens: disable[rule-a] … # perflens: enable[rule-a]   a range of lines
//   # noqa  /  # noqa: rule-a                       Ruff/flake8 style; bare noqa silences every rule
// Other linters' suppressions of a check a rule declares as its peer (RuleDefinition.peers) silence that rule too, as
// far as that linter's own reading of the comment goes:
//   x = f()  # noqa: SIM115                         Ruff/flake8 code on the finding's lines (whole codes: Ruff reads
//                                                   no prefixes, `# noqa: SIM` is not a code)
//   # ruff: noqa: SIM115  /  # flake8: noqa: SIM115 Ruff's file-level exemption, on a line of its own (Ruff reads
//                                                   flake8's the same)
//   # ruff: noqa  /  # flake8: noqa                 bare, on a line of its own: Ruff (flake8) skips the file, so every
//                                                   rule with a Ruff peer is silenced; rules without one are not
//   x = f()  # pylint: disable=consider-using-with  this line; `disable-next=` the next one; on a line of its own,
//                                                   the rest of its block, up to an `enable=` of the check; on the
//                                                   header line of a `class` (nothing else of the header there), the class
//   # pylint: skip-file  /  disable=all             anywhere: Pylint skips the file (every rule with a Pylint peer)
//   # pylint: disable-next=all                      every Pylint check on the next line
//   x = f()  # nosec B113  /  # nosec request_without_timeout  /  # nosec
//                                                   Bandit, by test id or name (bare: every Bandit check, so every rule
//                                                   with a Bandit peer)
import type { Node } from '../syntax/parser';
import { PEER_CODE, type PeerChecks, type RuleDefinition } from './rule';
import { CATEGORIES, type Finding, type Severity, type TextEdit } from '../../common/types';
import { withoutTrailingLineBreak, type LineIndex } from '../syntax/text';

export type SuppressionKind = 'line' | 'next-line' | 'file' | 'disable' | 'enable' | 'noqa' | 'peer';

/** A linter whose suppressions of a peer check perflens honours. */
export type PeerTool = keyof PeerChecks;

export interface SuppressionComment {
  kind: SuppressionKind;
  /** Rule ids named in the comment; empty means every rule. */
  rules: string[];
  /** The comment's own range, to report unused or unknown suppressions on it. */
  start: number;
  end: number;
  /** The line the comment applies to (line and next-line kinds) or where a range starts/ends. */
  line: number;
  /**
   * Peer comments only: whose suppression it is, and the last line it covers (`line` for a line's comment, the end of
   * the block for Pylint's own-line disable, MAX_SAFE_INTEGER for a file-level one). Their `rules` are the tool's check
   * codes; an empty list is every check of the tool (a bare `# nosec`, `# ruff: noqa`, Pylint's `all` and `skip-file`).
   */
  tool?: PeerTool;
  last?: number;
  /** Pylint's `enable=`: it ends the tool's earlier block disables of its codes instead of silencing anything. */
  enables?: boolean;
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
const MAY_SUPPRESS = /perflens:|[Nn][Oo][Qq][Aa]|pylint:|nosec/;

/** False when no comment of text can be a suppression (readSuppression and readPeerSuppressions find nothing in each). */
export function mayHoldSuppression(text: string): boolean {
  return MAY_SUPPRESS.test(text);
}

/** What a comment that may suppress (ours or a peer linter's) starts or holds: the incremental lint keeps only these. */
const SUPPRESSION_HINT = /#\s*(?:perflens:|noqa)|\bpylint:|#\s*nosec|\b(?:ruff|flake8)\s*:\s*noqa/i;

/** Whether the comment's text may hold a suppression this module reads. */
export function looksLikeSuppression(comment: string): boolean {
  return SUPPRESSION_HINT.test(comment);
}

// The peer linters' grammars, as each tool reads them (Ruff's file exemption, Pylint's pragma, Bandit's nosec). A Ruff or
// flake8 `# noqa: CODE` on a line is NOQA above: its codes are already kept.
// Ruff's file exemption: `#ruff:` or `#flake8:` (case-sensitive), then `noqa` in any case, then either codes after a colon
// or, bare, the end of the comment, another comment, or a blank and anything but a colon (Ruff's linter docs, "File-level").
// A colon with no valid code after it (`# ruff: noqa: SIM`) is neither: Ruff warns and ignores it.
const RUFF_FILE = /#\s*(?:ruff|flake8)\s*:\s*[Nn][Oo][Qq][Aa](?:\s*:\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)|(?=\s*$|\s*#|\s+[^\s:]))/;
// Pylint's pragma keywords (pylint/utils/pragma_parser.py): `skip-file` and its deprecated `disable-all` take no list.
const PYLINT = /\bpylint:\s*(?:(skip-file|disable-all)\b|(disable-next|disable|enable)\s*=\s*([^;#\n]*))/g;
const NOSEC = /#\s*nosec\b:?([^#\n]*)/;

/** One peer linter's suppression as written in a comment. */
export interface PeerSyntax {
  tool: PeerTool;
  /**
   * `line`: the comment's line; `next-line`: Pylint's disable-next; `file`: Ruff's file exemption (on a line of its own) or
   * Pylint's skip-file (anywhere); `enable`: Pylint's enable.
   */
  scope: 'line' | 'next-line' | 'file' | 'enable';
  /** The checks named; empty for every check of the tool (a bare `# nosec` or `# ruff: noqa`, Pylint's `all`). */
  codes: string[];
}

/** Ruff's file-level exemptions, Pylint's pragmas and Bandit's nosec in a comment (a Ruff line noqa is readSuppression's). */
export function readPeerSuppressions(comment: string): PeerSyntax[] {
  const out: PeerSyntax[] = [];
  const ruff = RUFF_FILE.exec(comment);
  if (ruff) out.push({ tool: 'ruff', scope: 'file', codes: ruff[1] ? ruff[1].split(/[\s,]+/) : [] });
  for (const m of comment.includes('pylint:') ? comment.matchAll(PYLINT) : []) {
    const pragma = pylintPragma(m[1] ?? m[2], m[3] ?? '');
    if (pragma) out.push(pragma);
  }
  const nosec = comment.includes('nosec') ? NOSEC.exec(comment) : null;
  if (nosec) {
    const words = nosec[1].split(/[\s,]+/).filter(Boolean);
    // By id (`B113`) or by test name (`request_without_timeout`), as Bandit's NOSEC_COMMENT_TESTS reads them.
    const codes = words.filter((w) => PEER_CODE.bandit.test(w));
    // Bare only when nothing follows: a word that names no test, or prose, is not read as "every test".
    if (codes.length > 0 || words.length === 0) out.push({ tool: 'bandit', scope: 'line', codes });
  }
  return out;
}

/**
 * One Pylint pragma: `skip-file` (and `disable-all`), and `disable=` naming `all`, make Pylint skip the whole file wherever
 * the comment stands (message_state_handler.process_tokens); `disable-next=all` and `enable=all` cover every check.
 */
function pylintPragma(keyword: string, list: string): PeerSyntax | null {
  if (keyword === 'skip-file' || keyword === 'disable-all') return { tool: 'pylint', scope: 'file', codes: [] };
  const words = list.split(/[\s,]+/);
  const every = words.includes('all');
  if (every && keyword === 'disable') return { tool: 'pylint', scope: 'file', codes: [] };
  const codes = every ? [] : words.filter((c) => PEER_CODE.pylint.test(c));
  if (!every && codes.length === 0) return null;
  return { tool: 'pylint', scope: keyword === 'enable' ? 'enable' : keyword === 'disable-next' ? 'next-line' : 'line', codes };
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
    const commentText = comment.text;
    const syntax = readSuppression(commentText);
    const peers = readPeerSuppressions(commentText);
    // Positions only for the few comments that suppress: the line index is built on first use.
    if (!syntax && peers.length === 0) continue;
    const at = lines.positionAt(comment.startIndex);
    const line = at.line;
    const ownLine = lines.lineText(line).slice(0, at.character).trim() === '';
    const start = comment.startIndex;
    const end = withoutTrailingLineBreak(text, start, comment.endIndex);
    for (const peer of peers) out.push(peerComment(peer, comment, ownLine, line, start, end, lines));
    if (!syntax) continue;
    const { verb, rules } = syntax;
    if (verb !== 'noqa') {
      const kind: SuppressionKind = verb === 'ignore' ? (ownLine ? 'next-line' : 'line') : verb === 'ignore-file' ? 'file' : verb;
      out.push({ kind, rules, start, end, line: kind === 'next-line' ? nextCodeLine(line, lines, text) : line });
      continue;
    }
    if (!ownLine) out.push({ kind: 'noqa', rules, start, end, line });
  }
  return out;
}

/** The lines a peer linter's comment covers, as that linter reads it. */
function peerComment(peer: PeerSyntax, comment: Node, ownLine: boolean, line: number, start: number, end: number, lines: LineIndex): SuppressionComment {
  const base = { kind: 'peer' as const, tool: peer.tool, rules: peer.codes, start, end };
  // Ruff reads its file exemption only on a line of its own; Pylint skips the file wherever its pragma stands.
  if (peer.scope === 'file') return { ...base, line: 0, last: ownLine || peer.tool === 'pylint' ? Number.MAX_SAFE_INTEGER : -1 };
  if (peer.scope === 'next-line') return { ...base, line: line + 1, last: line + 1 };
  if (peer.scope === 'enable') return { ...base, line, last: line, enables: true };
  if (peer.tool !== 'pylint') return { ...base, line, last: line };
  // Pylint reads a pragma on a line of its own as covering the rest of the enclosing block (a module's: the file).
  if (ownLine) return { ...base, line: line + 1, last: blockEndLine(comment, lines) };
  // After a class header, the whole class (Pylint gives the line to the innermost node starting on it: the class itself
  // when no base or type parameter does). Any other block's header line keeps it to that line, as Pylint's docs show.
  const cls = classOpenedBy(comment, line, lines);
  return { ...base, line, last: cls ? lines.positionAt(cls.endIndex).line : line };
}

/** The last line of the block (or compound statement) holding a comment; the file's end for a module-level one. */
function blockEndLine(comment: Node, lines: LineIndex): number {
  const parent = comment.parent;
  if (!parent || parent.type === 'module') return Number.MAX_SAFE_INTEGER;
  return lines.positionAt(parent.endIndex).line;
}

/**
 * The class whose header line `line` holds the comment, when nothing Pylint treats as a node of its own starts on that line
 * (a base, a keyword argument, a type parameter: `class A(Base):` keeps the pragma to the line). Only a comment of the
 * header itself is looked at, so this costs nothing for the other comments.
 */
function classOpenedBy(comment: Node, line: number, lines: LineIndex): Node | null {
  let cls = comment.parent;
  if (cls?.type === 'argument_list' || cls?.type === 'type_parameter') cls = cls.parent;
  if (cls?.type !== 'class_definition' || lines.positionAt(cls.startIndex).line !== line) return null;
  for (const field of ['superclasses', 'type_parameters']) {
    for (const part of cls.childForFieldName(field)?.namedChildren ?? []) {
      if (part && part.type !== 'comment' && lines.positionAt(part.startIndex).line === line) return null;
    }
  }
  return cls;
}

/** The next line after `line` that is not blank and not only a comment. */
function nextCodeLine(line: number, lines: LineIndex, _text: string): number {
  for (let l = line + 1; l < lines.lineCount; l++) {
    const t = lines.lineText(l).trim();
    if (t !== '' && !t.startsWith('#')) return l;
  }
  return line + 1;
}

/** A span's code for every check of its tool (a bare file exemption, Pylint's skip-file). */
const EVERY_CHECK = '*';

/** Answers "is rule R suppressed on line L?" and remembers which comments were used. */
export class SuppressionIndex {
  private readonly byLine = new Map<number, SuppressionComment[]>();
  private readonly fileWide: SuppressionComment[] = [];
  private readonly ranges: { rules: string[]; from: number; to: number; comment: SuppressionComment }[] = [];
  /** Peer linters' comments: those of one line by line, those that span lines (file, block) with their span. */
  private readonly peerByLine = new Map<number, SuppressionComment[]>();
  private readonly peerSpans: { code: string; from: number; to: number; comment: SuppressionComment }[] = [];
  readonly used = new Set<SuppressionComment>();

  constructor(readonly comments: SuppressionComment[]) {
    const open: SuppressionComment[] = [];
    for (const c of comments) {
      if (c.kind === 'peer') this.addPeer(c);
      else if (c.kind === 'file') this.fileWide.push(c);
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

  /**
   * Whether rule `ruleId`'s finding starting on `line` is silenced. With the rule's `peers`, a peer linter's suppression
   * of one of them on any of the finding's lines (`firstLine` to `lastLine`: Bandit reads a multi-line call's `nosec` on
   * any of its lines, and the peer may report on another line of the construct than perflens) silences it too. A
   * comment naming the rule's `category` (`ignore[pandas]`) silences it as its id would.
   */
  isSuppressed(ruleId: string, line: number, { category, peers, firstLine = line, lastLine = line }: SuppressionQuery = {}): boolean {
    const applies = (rules: string[]) => rules.length === 0 || rules.includes(ruleId) || (category !== undefined && rules.includes(category));
    for (const c of this.fileWide) if (applies(c.rules)) return this.use(c);
    for (const c of this.byLine.get(line) ?? []) {
      // A noqa listing only other tools' codes (E501, PERF401…) does not silence perflens, unless one is a peer's (below).
      if (c.kind === 'noqa' && c.rules.length > 0 && !c.rules.includes(ruleId)) continue;
      if (applies(c.rules)) return this.use(c);
    }
    for (const r of this.ranges) if (line > r.from && line < r.to && applies(r.rules)) return this.use(r.comment);
    const peer = peers && this.peerSuppression(peers, firstLine, lastLine);
    return peer ? this.use(peer) : false;
  }

  /** The peer linter's comment that silences one of `peers` on the lines from `line` to `lastLine`, if any. */
  private peerSuppression(peers: PeerChecks, line: number, lastLine: number): SuppressionComment | undefined {
    const named = (c: SuppressionComment) => (c.rules.length === 0 ? peers[c.tool!] !== undefined : c.rules.some((r) => peers[c.tool!]?.includes(r)));
    for (let l = line; l <= lastLine; l++) {
      for (const c of this.byLine.get(l) ?? []) if (c.kind === 'noqa' && peers.ruff && namesRuffPeer(c.rules, peers.ruff)) return c;
      for (const c of this.peerByLine.get(l) ?? []) if (named(c)) return c;
    }
    for (const s of this.peerSpans) {
      const checks = peers[s.comment.tool!];
      if (line >= s.from && line <= s.to && checks && (s.code === EVERY_CHECK || checks.includes(s.code))) return s.comment;
    }
    return undefined;
  }

  /** Files a peer comment: by line, or as one span per code, which a later Pylint `enable=` of the code ends. */
  private addPeer(c: SuppressionComment): void {
    const last = c.last ?? c.line;
    if (c.enables) {
      // `enable=all` ends every block disable; none ends a file skipped (Pylint stops reading its pragmas there).
      const ends = (code: string) => code !== EVERY_CHECK && (c.rules.length === 0 || c.rules.includes(code));
      for (const s of this.peerSpans) if (s.comment.tool === c.tool && ends(s.code) && s.from <= c.line && c.line <= s.to) s.to = c.line - 1;
    } else if (last === c.line) {
      const list = this.peerByLine.get(c.line);
      if (list) list.push(c);
      else this.peerByLine.set(c.line, [c]);
    } else {
      for (const code of c.rules.length > 0 ? c.rules : [EVERY_CHECK]) this.peerSpans.push({ code, from: c.line, to: last, comment: c });
    }
  }

  private use(c: SuppressionComment): true {
    this.used.add(c);
    return true;
  }
}

/** A noqa's list names one of the Ruff codes: Ruff also separates codes by blanks (`# noqa: E501 SIM115`). */
function namesRuffPeer(listed: readonly string[], ruff: readonly string[]): boolean {
  return listed.some((entry) => entry.split(/\s+/).some((code) => ruff.includes(code)));
}

/** What else decides whether a finding is silenced, beside its rule and line. */
export interface SuppressionQuery {
  /** The rule's category, which a comment may name instead of the rule. */
  category?: string;
  /** The peer linters' checks the rule declares its equals, and the lines of the construct where their comments count. */
  peers?: PeerChecks;
  firstLine?: number;
  lastLine?: number;
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
    // Other linters' comments are theirs to report.
    if (c.kind === 'enable' || c.kind === 'peer' || index.used.has(c)) continue;
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
    // Judge a comment only by rules that ran: a category (`ignore[pandas]`) counts when one of its rules is active.
    if (c.rules.length > 0 && !c.rules.every((r) => active.has(r) || (r in CATEGORIES && categoryRan(r, active, known)))) continue;
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

/** A rule of this category ran: without one, a comment naming the category cannot be judged unused. */
function categoryRan(category: string, active: ReadonlyMap<string, Severity>, known: ReadonlyMap<string, RuleDefinition>): boolean {
  for (const id of active.keys()) if (known.get(id)?.category === category) return true;
  return false;
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
