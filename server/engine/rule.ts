// The shape of a rule: metadata (data, rendered into diagnostics, hovers, the README and JSON
// output), a tree-sitter query, a check that confirms each match, and the fix it may offer.
import type { FileProbe } from '../analysis/codeContext';
import type { FileFacts } from '../analysis/facts';
import type { Node } from '../syntax/parser';
import type { Category, Confidence, FixSafety, Severity, TextEdit } from '../../common/types';

export interface RuleDocs {
  /** Markdown, two to four sentences: why the flagged form is slow, leaky or wrong. */
  why: string;
  /** Markdown, one or two sentences: what to write instead. */
  instead: string;
  /** A small before/after pair (Python source), shown in hovers and the README. */
  example?: { before: string; after: string };
}

export interface RuleFixSpec {
  /** The default safety; a check may lower it for a particular finding (then list that form in `forms`). */
  safety: FixSafety;
  /** Default quick-fix title, imperative. */
  title: string;
  /** Why the fix is not always safe (required unless safety is 'safe'). */
  reason?: string;
  /**
   * The other forms the check gives some findings, so that `perflens rule`, the README and the hover
   * describe every fix a user may meet, not only the default one.
   */
  forms?: FixForm[];
}

/** A fix a rule gives some findings instead of its default one. */
export interface FixForm {
  safety: FixSafety;
  /** Which findings get it, as a clause: "when the file imports no async framework". */
  when: string;
  /** Why it is not safe (required unless safety is 'safe'). */
  reason?: string;
}

/** A severity the rule gives some findings instead of its default one (`Report.severity`). */
export interface SeverityForm {
  severity: Severity;
  /** Which findings get it, as a clause: "when CPython can extend the string in place". */
  when: string;
}

export interface PythonVersion {
  major: number;
  minor: number;
}

export interface RuleSettings {
  /** The lowest Python version the project supports (`target-version`). */
  targetVersion: PythonVersion;
  /** The longest line a fix may write (`line-length`): fixes wrap longer new lines (fixes/wrap.ts). */
  lineLength: number;
}

export interface Report {
  /** The range to flag; or give start/end offsets. */
  node?: Node;
  start?: number;
  end?: number;
  /** Overrides the rule's default message (name the actual construct where it helps). */
  message?: string;
  /** Edits for the rule's declared fix; omit when this finding has no fix. */
  edits?: TextEdit[];
  /**
   * This finding's severity when it differs from the rule's default (e.g. a milder form of the
   * pattern): one of the rule's `severityForms`. A user's severity setting for the rule still wins.
   */
  severity?: Severity;
  /** This finding (a milder form of the pattern) only matters in hot code: as the rule's `quietOutsideHotCode`, for it alone. */
  quietOutsideHotCode?: boolean;
  /**
   * With `quietOutsideHotCode`: why this finding's cost shows only in hot code, as a clause for the hover ("read from
   * data/car-sales.csv: 10 rows"). Outside hot code the finding is ranked with this reason.
   */
  quietReason?: string;
  /**
   * Why this finding costs little wherever it stands, as a clause for the hover ("its loop runs once per item of
   * `np.unique(y)`, a few passes"): the rule sees that the cost it names stays small here. The finding is ranked low
   * with this reason, so with the default `impact = "auto"` it is a hint (a profile showing the code hot restores it).
   */
  lowImpact?: string;
  /**
   * Why this finding runs many times wherever it stands, as a clause for the hover ("once per row of the batch"): the
   * rule sees the repetition in the code it flags (a loop over a batch's rows), which the ranking by place cannot.
   * The finding is ranked high with this reason unless its place is low (a test, an example, vendored code). The pandas
   * row rules give it when the rows are a data set's own ("over every row of the file read into `df`"), so that a
   * `quietOutsideHotCode` rule shows such a loop wherever it stands.
   */
  hotReason?: string;
  /**
   * The `hotReason` holds where the flagged code itself runs once, at module level or under `if __name__ == "__main__":`:
   * a DataLoader built once in a script and read on every step of its training loop. Such setup is not low impact then
   * (an example folder, a test or vendored code still is).
   */
  hotDespiteSetup?: boolean;
  /**
   * Why the risk of an `unattendedOnly` rule holds here though the file is run by hand ("in a loop behind a progress bar,
   * which runs long enough to be left alone"): the finding keeps the rank its place gives it instead of dropping to low.
   */
  unattendedReason?: string;
  /**
   * Why the risk of an `unattendedOnly` rule holds where the finding stands ("in a package module that other code imports
   * and calls"): the hover's ranking line says it when the place itself gives no reason, so a finding that stays in the
   * default output says why it was not demoted. It changes no rank.
   */
  keptReason?: string;
  /**
   * The construct this finding is about (the loop or comprehension), when it is larger than the
   * flagged range: `Engine.finish` compares constructs to decide which of two rules leads (see
   * `supersedes`). Defaults to the flagged range.
   */
  construct?: Node;
  /**
   * A def elsewhere in the file whose body the finding rests on (the function a coroutine calls, or a pool runs): an
   * incremental lint re-runs the finding's match when an edit reaches into that def, which it would not re-lint
   * otherwise (a keystroke that makes the def's loops no longer pure-Python work drops the finding at once).
   */
  restsOn?: Node;
  /** Overrides for this finding's fix. */
  fixTitle?: string;
  safety?: FixSafety;
  reason?: string;
}

export interface RuleContext {
  readonly text: string;
  readonly facts: FileFacts;
  readonly settings: RuleSettings;
  /** Path of the file being linted, when known (LintOptions.filePath): lets rules tell package code, tests and scripts apart. */
  readonly filePath?: string;
  /** The path the CLI was given that holds the file (LintOptions.projectRoot): the project's top when no marker says it. */
  readonly projectRoot?: string;
  /** The disk, as far as the host lets rules see it (nothing in the browser): rules never import node:fs. */
  readonly files: FileProbe;
  report(report: Report): void;
  /**
   * The verdict on the match being checked, finding or not, rests on the body of `def`, a def elsewhere in the file (the
   * function a coroutine calls or a pool runs): an incremental lint re-runs the match when an edit reaches into that def.
   * Call it once the def is found, before deciding: Report.restsOn alone re-runs only a match that gave a finding, and a
   * finding that an edit of the def would make appear stayed missing until the idle-time full lint.
   */
  restsOn(def: Node): void;
}

/** The captures of one query match, by capture name. */
export class Captures {
  private readonly byName = new Map<string, Node[]>();

  constructor(
    captures: readonly { name: string; node: Node }[],
    /** Index of the matching pattern within the rule's own query (0 for single-pattern rules). */
    readonly pattern: number,
  ) {
    for (const c of captures) {
      const list = this.byName.get(c.name);
      if (list) list.push(c.node);
      else this.byName.set(c.name, [c.node]);
    }
  }

  /** The node captured under name (the first, for quantified captures). */
  get(name: string): Node | undefined {
    return this.byName.get(name)?.[0];
  }

  /** Like get, for captures the query guarantees; throws a clear error if the query changed. */
  need(name: string): Node {
    const node = this.get(name);
    if (!node) throw new Error(`query capture @${name} missing`);
    return node;
  }

  all(name: string): Node[] {
    return this.byName.get(name) ?? [];
  }
}

export interface RuleDefinition {
  /** The catalog's kebab-case id; also the diagnostic code and the suppression key. */
  id: string;
  /** Short title (catalog heading), used as the hover title and in the README. */
  title: string;
  category: Category;
  /** The default severity of its findings. */
  severity: Severity;
  /**
   * Every other severity a finding may get (`Report.severity`), with when: the README, `perflens rule` and
   * the tests read them, so the severity a user sees is documented wherever it is shown.
   */
  severityForms?: SeverityForm[];
  /** P1/P2 rules are on by default; P3 (opt-in) rules are off. */
  enabledByDefault: boolean;
  confidence: Confidence;
  /** Guide section slug from the catalog's outline, optionally `slug#anchor`. */
  guide: string;
  /** Module names; the rule runs only in files that import one of them. */
  requires?: string[];
  /**
   * The rule can only match in files whose text matches this (say /\b(async|await)\b/ for rules
   * about coroutines): other files skip its query pass. Rules with the same regex share a pass.
   */
  requiresText?: RegExp;
  /**
   * With both requires and requiresText: run in files that import one of the modules OR whose
   * text matches (instead of both), e.g. coroutines come from an `async def` or an async library.
   */
  requiresEither?: boolean;
  /**
   * Every finding of the rule is inside an `async def` body (its check returns unless `isInsideAsyncDef`), and so is
   * every match it reports on: in files without an `async def` the engine skips its checks, and the pass of a gated
   * group whose every rule says so (a text gate such as `\b(async|await)\b` also opens on the words in prose); in
   * files with one, such a group's query runs on the outermost async defs only, not on the whole tree.
   */
  insideAsyncDef?: boolean;
  /** Default one-line message. */
  message: string;
  docs: RuleDocs;
  fix?: RuleFixSpec;
  /**
   * Rules this one is more specific than: where both report the same construct (the same loop or
   * comprehension, see `Report.construct`), only this rule's finding is kept, so the specific advice
   * (vectorise the DataFrame loop) is not buried under, or replaced by, the generic one (use a comprehension).
   */
  supersedes?: readonly string[];
  /**
   * The rule's advice only pays off in hot code (a loop over data, a training step, a request handler):
   * with the default `impact = "auto"`, its findings elsewhere are hints, and in low-impact code (tests,
   * examples, one-time setup) are not reported at all (engine's `ranked`, analysis/impact.ts).
   */
  quietOutsideHotCode?: boolean;
  /**
   * The advice pays off only over many iterations (a copy that grows quadratically), though it keeps its severity in
   * ordinary code: in an example or script folder, whose loops run over demo data, its findings are low impact.
   * Implied by `quietOutsideHotCode`.
   */
  paysOffAtScale?: boolean;
  /**
   * The risk the rule names matters only in code that runs unattended (a library, a service, a scheduled job): a hang in
   * an example, a script or a notebook run by hand is seen and stopped by the person running it. There its findings are
   * low impact wherever they stand, loops included (analysis/impact.ts `runByHand`).
   */
  unattendedOnly?: boolean;
  /**
   * What the rule names breaks the program wherever it runs (a breakpoint halts a script as surely as a service): an
   * example, a script or module-level code does not make it low impact. Tests, vendored copies and demo apps still do
   * (analysis/impact.ts `notOwnCodeImpact`), as does the finding's own `lowImpact`.
   */
  mattersAnywhere?: boolean;
  /**
   * The advice saves a constant per item of a loop (a comprehension for an append loop, `sum()` for a hand-written
   * sum): it pays off only where the items are many and nothing heavier runs beside them. Loops nested without any
   * evidence of data (a small parameter grid) do not make it hot, nor does a loop over data whose every pass calls
   * something far heavier than the saving (a model, a fit, a network request, a file read). Use with `quietOutsideHotCode`.
   */
  savesPerItem?: boolean;
  /**
   * Other linters' checks that give the same advice on the same code. When a line already carries that linter's
   * suppression of the check (`# noqa: SIM115`, `# pylint: disable=consider-using-with`, `# nosec B113`), the user has
   * decided, and the finding would be noise: the suppression silences this rule too (engine/suppressions.ts). Declare a
   * peer only when its check flags the same code for the same reason.
   */
  peers?: PeerChecks;
  /** Only meaningful for projects whose target-version is at least this. */
  minPython?: PythonVersion;
  /**
   * Tree-sitter query (one or more patterns). Each match is passed to check. Keep patterns as
   * specific as the syntax allows: the query does the searching, check only confirms.
   * Empty for the engine's own rules (suppression checks), which have no pattern to match.
   */
  query: string;
  /**
   * Declares that every match of `query` is rooted `depth` levels above (0 = at) a call whose
   * callee name (a plain name, or the last part of a dotted one) is in `names` or matches
   * `pattern`. The engine then finds such calls with one pattern shared by all rules and runs this
   * query only on them, instead of every rule paying for a raw match of every call in every file
   * (see callAnchors.ts; test/unit/callAnchors.test.ts checks each declaration against the plain query).
   */
  calls?: CallAnchor;
  /**
   * Declares that every match of `query` starts at a node (of the type its patterns start at) with a child token
   * spelling one of these keywords: is-literal-comparison's `(comparison_operator operators: ["is" "is not"])` has an
   * `is`. When every rule of the base pass declares some, a whole-file lint of a tree without errors finds the rules'
   * candidates, and the facts, where the text spells their keywords instead of walking the tree (spelledBase.ts;
   * test/unit/spelledBase.test.ts checks each declaration against the plain query). Keywords only: a word that can be
   * an identifier may be spelled by a node of another type.
   */
  keywords?: readonly string[];
  check(match: Captures, ctx: RuleContext): void;
}

/** Another linter's checks equal to a rule (RuleDefinition.peers), as that linter's suppressions spell them. */
export interface PeerChecks {
  /** Ruff codes (also flake8's and its plugins', which share them): `# noqa: SIM115`, `# ruff: noqa: SIM115`. */
  ruff?: readonly string[];
  /** Pylint's symbolic names and message ids, both: `# pylint: disable=consider-using-with` or `=R1732`. */
  pylint?: readonly string[];
  /**
   * Bandit test ids and names, both (Bandit reads either after `nosec`): `# nosec B113` or `# nosec request_without_timeout`.
   * A bare `# nosec` silences a rule that declares any (security rules only).
   */
  bandit?: readonly string[];
}

/**
 * How each peer linter spells a check: defineRule refuses any other declaration (a typo cannot silently never match),
 * and the suppression reader (suppressions.ts) reads only codes spelled so from a comment.
 */
export const PEER_CODE: Record<keyof PeerChecks, RegExp> = {
  ruff: /^[A-Z]+[0-9]{3,4}$/,
  pylint: /^(?:[a-z]+(?:-[a-z0-9]+)+|[CRWEFI][0-9]{4})$/,
  // A test name has an underscore (`yaml_load`): a word without one after `nosec` is read as prose, never as a test.
  bandit: /^(?:B[0-9]{3}|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)$/,
};

export interface CallAnchor {
  names?: readonly string[];
  pattern?: RegExp;
  /**
   * Callee names the file decides (its own `async def`s, the local names its imports bind): asked once per file whose
   * gate is open, remembered per FileFacts by the rule's helper. A call of one of them is anchored too. Use it when a
   * check's first test is a name lookup of that kind: the rule then pays nothing for the other calls of the file.
   */
  namesIn?: (facts: FileFacts) => ReadonlySet<string>;
  /** Levels above the call where the patterns start; several when patterns start at different levels. */
  depth?: number | readonly number[];
}

/**
 * The general loop rules (a comprehension, sum(), min()/max(), Counter, join, a generator): advice that keeps the
 * loop's iteration. A rule about a slow loop over data (a DataFrame, an array, a training step) supersedes them,
 * since following it would vectorise or remove that iteration instead.
 */
export const GENERIC_LOOP_RULES: readonly string[] = [
  'append-loop-to-comprehension',
  'manual-sum-loop',
  'manual-min-max-loop',
  'manual-counter-loop',
  'string-concat-in-loop',
  'reduction-over-list-comprehension',
];

export function defineRule(rule: RuleDefinition): RuleDefinition {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.id)) throw new Error(`rule id must be kebab-case: ${rule.id}`);
  if (rule.fix && rule.fix.safety !== 'safe' && !rule.fix.reason) {
    throw new Error(`rule ${rule.id}: a ${rule.fix.safety} fix must say why (fix.reason)`);
  }
  for (const [tool, codes] of Object.entries(rule.peers ?? {}) as [keyof PeerChecks, readonly string[]][]) {
    const bad = codes.find((c) => !PEER_CODE[tool].test(c));
    if (bad) throw new Error(`rule ${rule.id}: ${bad} is not a ${tool} check code`);
  }
  if (rule.peers?.bandit && rule.category !== 'security') throw new Error(`rule ${rule.id}: only security rules have Bandit peers`);
  for (const form of rule.fix?.forms ?? []) {
    if (form.safety !== 'safe' && !form.reason) throw new Error(`rule ${rule.id}: a ${form.safety} fix form must say why (reason)`);
  }
  return rule;
}
