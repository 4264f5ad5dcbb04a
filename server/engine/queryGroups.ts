// What one compiled query pass is: the query, and what each of its patterns stands for (a fact the
// engine collects, or a rule's pattern). Built by compile.ts, narrowed to regions by regionQueries.ts.
import type { Query } from '../syntax/parser';
import type { RuleDefinition } from './rule';

/** What a pattern of a compiled query stands for: a fact capture, or a rule's pattern. */
export type FactKind = 'import' | 'comment' | 'function' | 'error' | 'call' | 'class' | 'decorated';
export type PatternRole = { fact: FactKind } | { rule: RuleDefinition; localIndex: number };

/** Rules that share the same gate run in one query pass. */
export interface QueryGroup {
  /** Identifies the group within its compiled set (its gate). */
  key: string;
  /** The query's source, to read single patterns back (regionQueries.ts). */
  source: string;
  query: Query;
  /** For each pattern index of the combined query, what it stands for. */
  patterns: PatternRole[];
  /**
   * Set on a gated group whose every pattern starts at a node of one of these types, all of which the
   * base pass collects (compile.ts ROOT_FACTS): a whole-file lint then runs the group on those nodes
   * alone (maxStartDepth 0) instead of walking the whole tree again.
   */
  roots?: readonly string[];
}
