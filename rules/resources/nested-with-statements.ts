import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { dedentLines, eolOf, hasCommentBetween, hasMultilineString, indentAt, lineEndOf, ownsLines, replaceRange } from '../../server/fixes';

function isAsync(withStmt: Node): boolean {
  return withStmt.child(0)?.type === 'async';
}

/** The clause's items as source text, or null for the parenthesised multi-item form. */
function itemsText(clause: Node): string[] | null {
  if (clause.child(0)?.type === '(') return null;
  return clause.namedChildren.filter((c): c is Node => c !== null && c.type === 'with_item').map((c) => c.text);
}

export default defineRule({
  id: 'nested-with-statements',
  title: 'Directly nested with blocks',
  category: 'resources',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'high',
  guide: 'context-managers',
  // Ruff's SIM117 flags the same nested `with`.
  peers: { ruff: ['SIM117'] },
  message: 'Two directly nested `with` blocks can be one `with` statement with several items',
  docs: {
    why:
      'A `with` whose only content is another `with` adds an indentation level and a line without adding meaning. ' +
      'A single `with a as x, b as y:` enters the managers in the same order and exits them in reverse, exactly like the nested form.',
    instead: 'Combine them: `with open(a) as fa, open(b) as fb:`; on Python 3.10+ long lists can be parenthesised over several lines.',
    example: {
      before: 'with open(a) as fa:\n    with open(b) as fb:\n        merge(fa, fb)',
      after: 'with open(a) as fa, open(b) as fb:\n    merge(fa, fb)',
    },
  },
  fix: { safety: 'safe', title: 'Combine the with statements' },
  query: `
(with_statement
  (with_clause) @outerClause
  body: (block . (with_statement (with_clause) @innerClause body: (block) @innerBody) @inner .)) @outer`,
  check(m, ctx) {
    const outer = m.need('outer');
    const inner = m.need('inner');
    if (isAsync(outer) !== isAsync(inner)) return;
    const message = 'Nested `with` blocks: combine them into one `with` statement';
    const start = outer.startIndex;
    const end = m.need('outerClause').endIndex;
    const items = [itemsText(m.need('outerClause')), itemsText(m.need('innerClause'))];
    const innerBody = m.need('innerBody');
    if (
      items.some((i) => i === null) ||
      !ownsLines(ctx.text, outer) ||
      !ownsLines(ctx.text, inner) ||
      hasMultilineString(innerBody) ||
      hasCommentBetween(ctx.facts, outer.startIndex, lineEndOf(ctx.text, m.need('innerClause').endIndex)) ||
      innerBody.startPosition.row === inner.startPosition.row
    ) {
      ctx.report({ start, end, message });
      return;
    }
    const all = [...items[0]!, ...items[1]!];
    const indent = indentAt(ctx.text, outer.startIndex);
    const eol = eolOf(ctx.text);
    const keyword = isAsync(outer) ? 'async with' : 'with';
    let header = `${keyword} ${all.join(', ')}:`;
    if (indent.length + header.length > ctx.settings.lineLength || all.some((i) => i.includes('\n'))) {
      const t = ctx.settings.targetVersion;
      if (t.major === 3 && t.minor < 10) {
        ctx.report({ start, end, message });
        return;
      }
      const step = indentAt(ctx.text, inner.startIndex).slice(indent.length) || '    ';
      header = `${keyword} (${eol}${all.map((i) => `${indent}${step}${i},`).join(eol)}${eol}${indent}):`;
    }
    const unit = indentAt(ctx.text, inner.startIndex).slice(indent.length);
    // Everything after the inner header line: comments before the body move with it.
    const headerEnd = lineEndOf(ctx.text, m.need('innerClause').endIndex);
    let bodyStart = headerEnd;
    if (ctx.text[bodyStart] === '\r') bodyStart++;
    if (ctx.text[bodyStart] === '\n') bodyStart++;
    const bodyEnd = lineEndOf(ctx.text, innerBody.endIndex);
    ctx.report({
      start,
      end,
      message,
      edits: [replaceRange(outer.startIndex, bodyEnd, `${header}${eol}${dedentLines(ctx.text, bodyStart, bodyEnd, unit)}`)],
    });
  },
});
