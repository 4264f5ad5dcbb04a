// server/engine/regionQueries.ts: which module-level patterns a range inside a def or class may run on that statement.
import * as assert from 'node:assert/strict';
import { siblingStepTypes } from '../../server/engine/regionQueries';

describe('regionQueries.siblingStepTypes', () => {
  it('names the types of a sibling sequence’s top-level steps, predicates and captures aside', () => {
    const pattern = `
(
  (expression_statement
    (assignment left: (identifier) @list right: [(list) (call)] @init)) @initStmt ; the list
  .
  (comment)*
  .
  (for_statement) @loop
  (#not-eq? @list "x")
)`;
    assert.deepEqual([...(siblingStepTypes(pattern) ?? [])].sort(), ['comment', 'expression_statement', 'for_statement']);
  });

  it('is null where a step may match other types, or the pattern is not a sequence', () => {
    for (const pattern of [
      '(call) @c',
      '((_) . (for_statement))',
      '([(if_statement) (while_statement)] . (for_statement))',
      '((module) . (comment))',
      '((_compound_statement) . (comment))',
      '((ERROR) . (comment))',
      '((expression_statement) . (comment)) (call)',
    ]) {
      assert.equal(siblingStepTypes(pattern), null, pattern);
    }
  });
});
