// Choosing and applying fixes: shared by the CLI's --fix, the server's fix-all and the tests.
import { applyEdits, editsOverlap } from '../syntax/text';
import type { Finding, TextEdit } from '../../common/types';

export interface ApplyOptions {
  /** Also apply unsafe fixes (display-only fixes are never applied). */
  unsafe?: boolean;
}

export interface ApplyResult {
  text: string;
  applied: Finding[];
  /** The edits made, each once (a notebook applies them cell by cell). */
  edits: TextEdit[];
  /** Fixable findings left out because they overlapped a fix already chosen (retry after re-lint). */
  deferred: Finding[];
}

export function isApplicable(finding: Finding, options: ApplyOptions): boolean {
  const safety = finding.fix?.safety;
  return safety === 'safe' || (safety === 'unsafe' && options.unsafe === true);
}

/**
 * Applies the fixes of the given findings in document order, skipping any fix that overlaps one
 * already chosen. Identical edits (two fixes adding the same import) are applied once.
 */
export function applyFixes(text: string, findings: readonly Finding[], options: ApplyOptions = {}): ApplyResult {
  const chosen: TextEdit[] = [];
  const applied: Finding[] = [];
  const deferred: Finding[] = [];
  const ordered = [...findings].filter((f) => isApplicable(f, options)).sort((a, b) => a.start - b.start);
  for (const finding of ordered) {
    const edits = finding.fix!.edits.filter((e) => !chosen.some((c) => sameEdit(c, e)));
    if (editsOverlap(edits, chosen) && !onlyLinesBesideLines(text, edits, chosen)) {
      deferred.push(finding);
      continue;
    }
    chosen.push(...edits);
    applied.push(finding);
  }
  return { text: chosen.length ? applyEdits(text, chosen) : text, applied, edits: chosen, deferred };
}

/**
 * Two fixes that each insert whole lines at the same line start (two reductions hoisted above one loop, two
 * imports) do not conflict: either order of the inserted lines is the same code, and applyEdits keeps the
 * order chosen (document order), as an LSP client does for inserts at one position. Any other edit that
 * touches the other's offset still defers.
 */
function onlyLinesBesideLines(text: string, edits: readonly TextEdit[], chosen: readonly TextEdit[]): boolean {
  const lines = (e: TextEdit) => e.start === e.end && (e.start === 0 || '\r\n'.includes(text[e.start - 1])) && /[\r\n]$/.test(e.newText);
  return edits.every((e) => {
    const touching = chosen.filter((c) => editsOverlap([e], [c]));
    return touching.length === 0 || (lines(e) && touching.every((c) => lines(c) && c.start === e.start));
  });
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.start === b.start && a.end === b.end && a.newText === b.newText;
}
