// Test plumbing for the engine's shared facts: run a throwaway rule over source to reach a
// rule's view (captures, facts, text), or build a file's FileFacts directly.
import { Engine } from '../../server/engine/engine';
import { FileFacts, type FactCaptures } from '../../server/analysis/facts';
import { Query, type Tree } from '../../server/syntax/parser';
import { defineRule, type RuleDefinition } from '../../server/engine/rule';
import type { Finding } from '../../common/types';
import { DIST, getEngine } from './engine';

/** Runs a probe rule with `query` over source, calling inspect for each match; returns its findings. */
export async function probe(source: string, query: string, inspect: RuleDefinition['check']): Promise<Finding[]> {
  const rule = defineRule({
    id: 'probe',
    title: 'probe',
    category: 'core-python',
    severity: 'info',
    enabledByDefault: true,
    confidence: 'high',
    guide: 'profiling',
    message: 'probe message here',
    docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
    query,
    check: inspect,
  });
  const engine = await Engine.create([rule], DIST);
  try {
    return engine.lintText(source).findings;
  } finally {
    engine.dispose();
  }
}

const trees: Tree[] = [];

/**
 * FileFacts of source that outlive a lint (its tree is kept until releaseFactTrees), for testing
 * fact modules directly.
 */
export async function factsOf(source: string): Promise<FileFacts> {
  const engine = await getEngine();
  const tree = engine.parse(source);
  trees.push(tree);
  const q = new Query(engine.parser.language, '(import_statement) @import (import_from_statement) @import (comment) @comment (function_definition) @function');
  const captures: FactCaptures = { imports: [], comments: [], functions: [] };
  for (const c of q.captures(tree.rootNode)) {
    if (c.name === 'import') captures.imports.push(c.node);
    else if (c.name === 'comment') captures.comments.push(c.node);
    else captures.functions.push(c.node);
  }
  q.delete();
  return new FileFacts(tree, source, captures);
}

/** Frees the trees factsOf kept alive (WASM memory is not garbage-collected). */
export function releaseFactTrees(): void {
  for (const t of trees.splice(0)) t.delete();
}
