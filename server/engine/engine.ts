// The rule engine: compiles every rule's query once, runs them over a parsed document, and
// returns findings. It knows nothing about LSP or terminals; the server and the CLI adapt it.
import { FileFacts, type FactCaptures } from './facts';
import { loadPython, PythonParser, Query, type Node, type Tree, type WasmLocation } from './parser';
import { activeRules, DEFAULT_MAX_FILE_SIZE, DEFAULT_TARGET, parsePythonVersion, type LintOptions } from './options';
import { Captures, type Report, type RuleContext, type RuleDefinition, type RuleSettings } from './rule';
import { parseSuppressions, SuppressionIndex, UNUSED_SUPPRESSION, unusedSuppressions } from './suppressions';
import { LineIndex } from './text';
import type { Finding, LintResult, RuleFailure, Severity } from './types';

/** Rules that share the same library gate run in one query pass. */
interface QueryGroup {
  /** Modules any of which must be imported for the group to run; empty = always runs. */
  requires: string[];
  query: Query;
  /** For each pattern index of the combined query: the rule and the pattern's index within it. */
  patterns: { rule: RuleDefinition; localIndex: number }[];
}

const FACT_QUERY = `
(import_statement) @import
(import_from_statement) @import
(comment) @comment
(function_definition) @function
(ERROR) @error
(MISSING) @error
`;

export interface LintDetails extends LintResult {
  /** The suppression comments and which of them silenced something (for unused-suppression reports). */
  suppressions: SuppressionIndex;
  lines: LineIndex;
}

export class Engine {
  readonly rulesById: ReadonlyMap<string, RuleDefinition>;

  private constructor(
    readonly parser: PythonParser,
    readonly rules: readonly RuleDefinition[],
    private readonly factQuery: Query,
    private readonly groups: QueryGroup[],
  ) {
    this.rulesById = new Map(rules.map((r) => [r.id, r]));
  }

  static async create(rules: readonly RuleDefinition[], wasm?: WasmLocation): Promise<Engine> {
    const language = await loadPython(wasm);
    const parser = new PythonParser(language);
    const factQuery = new Query(language, FACT_QUERY);
    const groups = buildGroups(language, rules);
    return new Engine(parser, rules, factQuery, groups);
  }

  parse(text: string, oldTree?: Tree | null): Tree {
    return this.parser.parse(text, oldTree);
  }

  /** Parses, lints and frees the tree: for one-shot callers (CLI, tests). */
  lintText(text: string, options: LintOptions = {}): LintDetails {
    const tree = this.parse(text);
    try {
      return this.lint(tree, text, options);
    } finally {
      tree.delete();
    }
  }

  lint(tree: Tree, text: string, options: LintOptions = {}): LintDetails {
    const lines = new LineIndex(text);
    const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    if (text.length > maxSize) {
      return {
        findings: [],
        failures: [],
        hasSyntaxErrors: false,
        skipped: `file has ${text.length} characters, more than the limit of ${maxSize} (setting max-file-size)`,
        suppressions: new SuppressionIndex([]),
        lines,
      };
    }
    const active = activeRules(this.rules, options);
    const facts = this.collectFacts(tree, text);
    const settings: RuleSettings = { targetVersion: parsePythonVersion(options.targetVersion) ?? DEFAULT_TARGET };
    const suppressions = new SuppressionIndex(parseSuppressions(facts.captures.comments, text, lines));
    const errorRanges = this.errorRanges(tree);

    const findings: Finding[] = [];
    const failures: RuleFailure[] = [];
    const failed = new Set<string>();
    const seen = new Set<string>();

    for (const group of this.groups) {
      if (group.requires.length > 0 && !group.requires.some((m) => facts.importsModule(m))) continue;
      if (!group.patterns.some((p) => active.has(p.rule.id))) continue;
      for (const match of group.query.matches(tree.rootNode)) {
        const { rule, localIndex } = group.patterns[match.patternIndex];
        const severity = active.get(rule.id);
        if (!severity || failed.has(rule.id)) continue;
        if (rule.minPython && !atLeast(settings, rule)) continue;
        const ctx = this.contextFor(rule, severity, text, facts, settings, options.filePath, (finding) => {
          const key = `${finding.ruleId}:${finding.start}:${finding.end}`;
          if (seen.has(key)) return;
          seen.add(key);
          if (overlapsAny(finding.start, finding.end, errorRanges)) return;
          if (suppressions.isSuppressed(finding.ruleId, lines.positionAt(finding.start).line)) return;
          findings.push(finding);
        });
        try {
          rule.check(new Captures(match.captures, localIndex), ctx);
        } catch (error) {
          // A broken rule must never take the file (or the server) down: drop it for this file.
          failed.add(rule.id);
          failures.push({ ruleId: rule.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
          for (let i = findings.length - 1; i >= 0; i--) if (findings[i].ruleId === rule.id) findings.splice(i, 1);
        }
      }
    }
    if (active.has(UNUSED_SUPPRESSION) && errorRanges.length === 0) {
      findings.push(...unusedSuppressions(suppressions, text, active, this.rulesById, active.get(UNUSED_SUPPRESSION)!));
    }
    findings.sort((a, b) => a.start - b.start || a.end - b.end || a.ruleId.localeCompare(b.ruleId));
    return { findings, failures, hasSyntaxErrors: errorRanges.length > 0, suppressions, lines };
  }

  dispose(): void {
    this.factQuery.delete();
    for (const g of this.groups) g.query.delete();
    this.parser.dispose();
  }

  private collectFacts(tree: Tree, text: string): FileFacts {
    const captures: FactCaptures = { imports: [], comments: [], functions: [] };
    for (const c of this.factQuery.captures(tree.rootNode)) {
      if (c.name === 'import') captures.imports.push(c.node);
      else if (c.name === 'comment') captures.comments.push(c.node);
      else if (c.name === 'function') captures.functions.push(c.node);
    }
    return new FileFacts(tree, text, captures);
  }

  private errorRanges(tree: Tree): [number, number][] {
    if (!tree.rootNode.hasError) return [];
    const ranges: [number, number][] = [];
    for (const c of this.factQuery.captures(tree.rootNode)) {
      if (c.name === 'error') ranges.push([c.node.startIndex, Math.max(c.node.endIndex, c.node.startIndex + 1)]);
    }
    return ranges;
  }

  private contextFor(
    rule: RuleDefinition,
    severity: Severity,
    text: string,
    facts: FileFacts,
    settings: RuleSettings,
    filePath: string | undefined,
    emit: (finding: Finding) => void,
  ): RuleContext {
    return {
      text,
      facts,
      settings,
      filePath,
      report(report: Report) {
        emit(toFinding(rule, severity, report));
      },
    };
  }
}

function toFinding(rule: RuleDefinition, severity: Severity, report: Report): Finding {
  const start = report.node?.startIndex ?? report.start;
  const end = report.node?.endIndex ?? report.end;
  if (start === undefined || end === undefined) throw new Error('report() needs a node or start/end');
  // A per-finding severity applies only while the user has not overridden the rule's severity.
  const effective = report.severity && severity === rule.severity ? report.severity : severity;
  const finding: Finding = { ruleId: rule.id, start, end, message: report.message ?? rule.message, severity: effective };
  if (report.edits && rule.fix) {
    finding.fix = {
      title: report.fixTitle ?? rule.fix.title,
      safety: report.safety ?? rule.fix.safety,
      edits: report.edits,
      reason: report.reason ?? rule.fix.reason,
    };
    if (finding.fix.safety === 'safe') delete finding.fix.reason;
  }
  return finding;
}

function atLeast(settings: RuleSettings, rule: RuleDefinition): boolean {
  const min = rule.minPython!;
  const t = settings.targetVersion;
  return t.major > min.major || (t.major === min.major && t.minor >= min.minor);
}

function overlapsAny(start: number, end: number, ranges: [number, number][]): boolean {
  return ranges.some(([s, e]) => start < e && s < Math.max(end, start + 1));
}

/**
 * Groups rules by library gate and compiles each group into one query. Pattern indices are mapped
 * back to rules through each pattern's start offset in the combined source.
 */
function buildGroups(language: ConstructorParameters<typeof Query>[0], rules: readonly RuleDefinition[]): QueryGroup[] {
  const byGate = new Map<string, RuleDefinition[]>();
  for (const rule of rules) {
    if (rule.query.trim() === '') continue; // engine-implemented rule (see suppressions.ts)
    const key = [...(rule.requires ?? [])].sort().join(',');
    const list = byGate.get(key);
    if (list) list.push(rule);
    else byGate.set(key, [rule]);
  }
  const groups: QueryGroup[] = [];
  for (const [key, members] of byGate) {
    let source = '';
    const spans: { rule: RuleDefinition; start: number; end: number }[] = [];
    for (const rule of members) {
      if (/[^\x00-\x7f]/.test(rule.query)) throw new Error(`rule ${rule.id}: query must be ASCII`);
      const start = source.length;
      source += rule.query + '\n';
      spans.push({ rule, start, end: source.length });
    }
    let query: Query;
    try {
      query = new Query(language, source);
    } catch {
      throw new Error(describeBrokenQuery(language, members));
    }
    const counts = new Map<RuleDefinition, number>();
    const patterns = [];
    for (let i = 0; i < query.patternCount(); i++) {
      const at = query.startIndexForPattern(i);
      const span = spans.find((s) => at >= s.start && at < s.end);
      if (!span) throw new Error(`pattern ${i} of group [${key}] maps to no rule`);
      const localIndex = counts.get(span.rule) ?? 0;
      counts.set(span.rule, localIndex + 1);
      patterns.push({ rule: span.rule, localIndex });
    }
    groups.push({ requires: key ? key.split(',') : [], query, patterns });
  }
  return groups;
}

function describeBrokenQuery(language: ConstructorParameters<typeof Query>[0], rules: readonly RuleDefinition[]): string {
  for (const rule of rules) {
    try {
      new Query(language, rule.query).delete();
    } catch (error) {
      return `rule ${rule.id}: invalid query: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return 'combined rule query failed to compile';
}

export type { Node };
