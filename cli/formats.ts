// Output formats of `perflens check`: text for people, JSON in Ruff's shape, SARIF 2.1.0 for
// code-scanning tools. All are rendered from findings and rule metadata. Columns count Unicode code
// points, as Ruff's do (the engine's offsets are UTF-16 units: an emoji is two of them, one column).
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as sarif from 'sarif';
import type { RuleDefinition } from '../server/engine/rule';
import { fixMenuTitle, guideUrl } from '../server/docs/render';
import type { LineIndex } from '../server/syntax/text';
import type { Finding, FindingProfile, RuleFailure, Severity } from '../common/types';
import { byHeat, profileTag } from '../server/profiles';
import type { FileReport } from './check';

interface RowColumn {
  row: number;
  column: number;
}

/** 1-based row and column, the column in code points (a character outside the BMP counts once). */
function location(lines: LineIndex, offset: number): RowColumn {
  const p = lines.positionAt(offset);
  const before = lines.lineText(p.line).slice(0, p.character);
  return { row: p.line + 1, column: codePointLength(before) + 1 };
}

interface CellLocation extends RowColumn {
  /** The notebook cell (1-based among all cells) the row counts in; null for a Python file. */
  cell: number | null;
}

/**
 * Where an offset is for a reader: in a Python file its row and column, in a notebook its cell and
 * the row within that cell (cells start on a line of their own in the linted module, so the
 * column is the same).
 */
function cellLocation(report: FileReport, offset: number): CellLocation {
  const at = location(report.lines!, offset);
  if (!report.notebook) return { cell: null, ...at };
  const cell = report.notebook.filter((c) => c.start <= offset).pop() ?? report.notebook[0];
  return { cell: cell.number, row: at.row - report.lines!.positionAt(cell.start).line, column: at.column };
}

const withoutCell = ({ row, column }: CellLocation): RowColumn => ({ row, column });

/** Code points in s: UTF-16 units less one per surrogate pair. */
function codePointLength(s: string): number {
  if (!/[\uD800-\uDBFF]/.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export interface RuffJsonDiagnostic {
  /** The notebook cell (1-based among all cells, as Ruff counts), null for a Python file. */
  cell: number | null;
  code: string;
  message: string;
  filename: string;
  location: RowColumn;
  end_location: RowColumn;
  /** The row a suppression comment goes on: as in Ruff, counted in the whole linted module for a notebook. */
  noqa_row: number;
  fix: null | {
    applicability: 'safe' | 'unsafe' | 'display-only';
    message: string;
    edits: { content: string; location: RowColumn; end_location: RowColumn }[];
    /** Not in Ruff's output: why an unsafe or display-only fix may change behaviour. */
    reason?: string;
  };
  url: string;
  /** Not in Ruff's output, only with --profile: what the profile measured where the finding is. */
  profile?: FindingProfile;
}

export function toJson(reports: readonly FileReport[], rules: ReadonlyMap<string, RuleDefinition>): RuffJsonDiagnostic[] {
  const out: RuffJsonDiagnostic[] = [];
  for (const report of reports) {
    if (!report.lines) continue;
    const lines = report.lines;
    for (const f of report.findings) {
      const start = cellLocation(report, f.start);
      out.push({
        cell: start.cell,
        code: f.ruleId,
        message: f.message,
        filename: path.resolve(report.file),
        location: withoutCell(start),
        end_location: withoutCell(cellLocation(report, f.end)),
        noqa_row: location(lines, f.start).row,
        fix: f.fix
          ? {
              applicability: f.fix.safety,
              message: f.fix.title,
              edits: f.fix.edits.map((e) => ({
                content: e.newText,
                location: withoutCell(cellLocation(report, e.start)),
                end_location: withoutCell(cellLocation(report, e.end)),
              })),
              ...(f.fix.reason ? { reason: f.fix.reason } : {}),
            }
          : null,
        url: guideUrl(rules.get(f.ruleId)!),
        ...(f.profile ? { profile: f.profile } : {}),
      });
    }
  }
  return byHeat(out, (d) => d.profile);
}

const SARIF_LEVEL: Record<Severity, sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function toSarif(reports: readonly FileReport[], rules: readonly RuleDefinition[], version: string, cwd = process.cwd()): sarif.Log {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results: sarif.Result[] = [];
  for (const report of reports) {
    if (!report.lines) continue;
    const uri = sarifUri(report.file, cwd);
    for (const f of report.findings) {
      const start = cellLocation(report, f.start);
      const end = cellLocation(report, f.end);
      // A notebook's rows count within the cell; the cell is in the property bag (SARIF has no cells).
      const cell = (at: CellLocation) => (at.cell === null ? {} : { properties: { cell: at.cell } });
      const result: sarif.Result = {
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        // SARIF's levels have one `note` for both info and hint: the property bag keeps which.
        // The impact ranking too, so a CI dashboard can sort or filter by it as the hover explains it.
        properties: { severity: f.severity, ...(f.impact ? { impact: f.impact } : {}), ...(f.profile ? { profile: f.profile } : {}) },
        // SARIF's own priority (0-100): with a profile, the measured share.
        ...(f.profile?.share !== undefined ? { rank: Math.round(f.profile.share * 1000) / 10 } : {}),
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
              region: { startLine: start.row, startColumn: start.column, endLine: end.row, endColumn: end.column },
            },
            ...cell(start),
          },
        ],
      };
      if (f.fix && f.fix.safety !== 'display-only') {
        const fix = f.fix;
        result.fixes = [
          {
            // SARIF has no notion of fix safety: the description marks it as the light bulb does, the property bag keeps it and the reason.
            description: { text: fixMenuTitle(fix) },
            properties: { safety: fix.safety, ...(fix.reason ? { reason: fix.reason } : {}) },
            artifactChanges: [
              {
                artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
                replacements: fix.edits.map((e) => {
                  const s = cellLocation(report, e.start);
                  const t = cellLocation(report, e.end);
                  return {
                    deletedRegion: { startLine: s.row, startColumn: s.column, endLine: t.row, endColumn: t.column },
                    insertedContent: { text: e.newText },
                    ...cell(s),
                  };
                }),
              },
            ],
          },
        ];
      }
      results.push(result);
    }
  }
  const failures: sarif.Notification[] = reports.flatMap((report) =>
    report.failures.map((failure) => ({
      level: 'error' as const,
      message: { text: failureLine(report.file, failure) },
      descriptor: { id: failure.ruleId },
      locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(report.file, cwd), uriBaseId: '%SRCROOT%' } } }],
    })),
  );
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'perflens',
            version,
            informationUri: 'https://github.com/perflens/perflens',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.docs.why },
              help: { text: r.docs.instead, markdown: r.docs.instead },
              helpUri: guideUrl(r),
              defaultConfiguration: { level: SARIF_LEVEL[r.severity], enabled: r.enabledByDefault },
              properties: { category: r.category, confidence: r.confidence },
            })),
          },
        },
        // Columns are code points (as GitHub code scanning counts them); SARIF's readers otherwise may assume UTF-16 units.
        columnKind: 'unicodeCodePoints',
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd + path.sep).href } },
        // A rule that failed on a file is a tool error there (its findings are missing), where SARIF viewers show them.
        invocations: [{ executionSuccessful: failures.length === 0, toolExecutionNotifications: failures }],
        results,
      },
    ],
  };
}

export interface TextStyle {
  color: boolean;
}

function paint(on: boolean, code: string, s: string): string {
  return on ? `\x1b[${code}m${s}\x1b[0m` : s;
}

/**
 * Ruff-like lines with the severity: `path:row:col: warning: rule-id [*] message`, then a summary that never contradicts them:
 * files that could not be read are counted, and fixes --fix cannot apply are not advertised (the
 * file says why). `unreadablePaths` counts paths that failed before any file was read (reported on stderr).
 */
export function toText(reports: readonly FileReport[], style: TextStyle, fixMode: boolean, unreadablePaths = 0): string {
  const out: string[] = [];
  const counts: SummaryCounts = {
    checked: 0,
    unreadable: unreadablePaths,
    problems: 0,
    fixable: 0,
    notFixable: 0,
    fixed: 0,
    hidden: 0,
    hiddenPreview: 0,
    previewNotRun: false,
  };
  const findingLine = (report: FileReport, f: Finding) => {
    const at = cellLocation(report, f.start);
    const safe = f.fix?.safety === 'safe';
    const mark = safe && !report.unfixable ? ` ${paint(style.color, '36', '[*]')}` : '';
    const where = at.cell === null ? `${at.row}:${at.column}` : `cell ${at.cell}:${at.row}:${at.column}`;
    const tag = f.profile ? profileTag(f.profile) : '';
    const measured = tag ? ` ${paint(style.color, f.profile!.heat === 'hot' ? '1;31' : '2', tag)}` : '';
    counts.problems++;
    if (safe && report.unfixable) counts.notFixable++;
    else if (safe) counts.fixable++;
    // The finding's own severity (the editor's and SARIF's), gcc-style `warning:` so editors' problem matchers read it.
    return `${paint(style.color, '1', report.file)}:${where}: ${paint(style.color, severityColor(f.severity), `${f.severity}:`)} ${f.ruleId}${mark} ${f.message}${measured}`;
  };
  // With a profile, findings in hot code come first, the largest measured share first.
  const hot = byHeat(
    reports.flatMap((report) => (report.lines ? report.findings.filter((f) => f.profile?.heat === 'hot').map((f) => ({ report, f })) : [])),
    ({ f }) => f.profile,
  );
  for (const { report, f } of hot) out.push(findingLine(report, f));
  for (const report of reports) {
    counts.fixed += report.fixed;
    counts.hidden += report.hidden ?? 0;
    counts.hiddenPreview += report.hiddenPreview ?? 0;
    counts.previewNotRun ||= report.previewNotRun === true;
    if (report.error) counts.unreadable++;
    else counts.checked++;
    if (report.error) out.push(`${paint(style.color, '1', report.file)}: ${paint(style.color, '31', 'error')}: ${report.error}`);
    if (report.skipped) out.push(`${paint(style.color, '1', report.file)}: skipped: ${report.skipped}`);
    for (const failure of report.failures) out.push(failureLine(report.file, failure));
    if (!report.lines) continue;
    for (const f of report.findings) if (f.profile?.heat !== 'hot') out.push(findingLine(report, f));
    if (report.unfixable)
      out.push(`${paint(style.color, '1', report.file)}: ${fixMode ? 'not fixed' : '--fix would not change this file'}: ${report.unfixable}`);
  }
  out.push(...summary(counts, fixMode));
  return out.join('\n');
}

interface SummaryCounts {
  /** Files read and linted. */
  checked: number;
  /** Files (and paths) that could not be read. */
  unreadable: number;
  problems: number;
  /** Problems with a safe fix --fix can apply. */
  fixable: number;
  /** Problems with a safe fix in a file --fix cannot change. */
  notFixable: number;
  fixed: number;
  /** Hints left out (impact = "auto"). */
  hidden: number;
  /** Of the hidden hints, those of rules in preview. */
  hiddenPreview: number;
  /** Some file was checked without the rules in preview (FileReport.previewNotRun). */
  previewNotRun: boolean;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function summary(c: SummaryCounts, fixMode: boolean): string[] {
  const out: string[] = [];
  const unreadable = `${plural(c.unreadable, 'file')} could not be read`;
  if (fixMode && c.fixed > 0) out.push(`Fixed ${plural(c.fixed, 'problem')}.`);
  if (c.problems > 0) {
    const notes = [
      ...(c.fixable ? [`${c.fixable} fixable with \`perflens check --fix\``] : []),
      ...(c.notFixable ? [`${c.notFixable} ${fixMode ? 'not fixed' : 'not fixable'}: see above`] : []),
    ];
    out.push(`Found ${plural(c.problems, 'problem')}${notes.length ? ` (${notes.join('; ')})` : ''}.`);
    if (c.unreadable) out.push(`${unreadable}.`);
  } else if (c.unreadable === 0) out.push(fixMode && c.fixed > 0 ? 'No problems left.' : 'All checks passed!');
  else if (c.checked === 0) out.push(`No files checked: ${unreadable}.`);
  else out.push(`No problems found in ${plural(c.checked, 'file')}; ${unreadable}.`);
  // Never a silent filter: say what was left out and how to see it.
  const notRun = c.previewNotRun ? 'rules in preview did not run: `--preview` runs them' : '';
  if (c.hidden > 0) {
    const preview = c.hiddenPreview > 0 ? `; ${c.hiddenPreview} of them from rules in preview, which \`--preview\` shows` : notRun ? `; ${notRun}` : '';
    out.push(`${plural(c.hidden, 'hint')} (low-impact findings and minor advice) not shown; \`--impact all\` shows them${preview}.`);
  } else if (notRun) out.push(`${notRun[0].toUpperCase()}${notRun.slice(1)}.`);
  return out;
}

function severityColor(severity: Severity): string {
  return severity === 'error' ? '31' : severity === 'warning' ? '33' : '34';
}

export type { Finding };

/** A rule that threw or ran over its time budget on a file: its findings there are missing, and the run exits with 2. */
export function failureLine(file: string, failure: RuleFailure): string {
  return `${file}: internal error in rule ${failure.ruleId} (rule disabled for this file): ${failure.error.split('\n')[0]}`;
}

/** A file as SARIF names it: relative to the source root, with forward slashes. */
function sarifUri(file: string, cwd: string): string {
  return path.relative(cwd, path.resolve(file)).split(path.sep).join('/');
}
