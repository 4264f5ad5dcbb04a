// Findings → LSP shapes. Every diagnostic carries what a code action needs (DiagnosticData).
import { DiagnosticSeverity, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RuleDefinition } from '../engine/rule';
import type { Finding, Severity, TextEdit as EngineEdit } from '../../common/types';
import { SOURCE, type DiagnosticData } from '../../common/protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspEdit(doc: TextDocument, edit: EngineEdit): TextEdit {
  return { range: { start: doc.positionAt(edit.start), end: doc.positionAt(edit.end) }, newText: edit.newText };
}

export function toDiagnostic(doc: TextDocument, finding: Finding, rule: RuleDefinition, guideHref: string): Diagnostic {
  const data: DiagnosticData = { ruleId: finding.ruleId, version: doc.version };
  if (finding.fix) {
    data.fix = {
      title: finding.fix.title,
      safety: finding.fix.safety,
      reason: finding.fix.reason,
      edits: finding.fix.edits.map((e) => toLspEdit(doc, e)),
    };
  }
  return {
    range: { start: doc.positionAt(finding.start), end: doc.positionAt(finding.end) },
    severity: SEVERITY[finding.severity],
    source: SOURCE,
    code: rule.id,
    codeDescription: { href: guideHref },
    message: finding.message,
    data,
  };
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  return (
    typeof value === 'object' && value !== null && typeof (value as DiagnosticData).ruleId === 'string' && typeof (value as DiagnosticData).version === 'number'
  );
}
