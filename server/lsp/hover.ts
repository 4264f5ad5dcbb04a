// textDocument/hover: the explanation of the findings under the cursor (why, instead, fix safety, measured
// evidence, guide and disable links; the finding's message only where the editor does not show it above),
// or, where perflens reports nothing, a short note on a construct the guide covers (perflens.constructHovers).
import type { Hover } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { constructAt, renderConstructHover, type ConstructMatch } from '../docs/constructDocs';
import { FileFacts } from '../analysis/facts';
import { guideSection } from '../../common/guide';
import { Query, type Node, type Tree } from '../syntax/parser';
import { renderFindingHover, type HoverLinks } from '../docs/render';
import type { RuleDefinition } from '../engine/rule';
import type { Finding } from '../../common/types';
import { COMMANDS } from '../../common/protocol';
import { describeFindingProfile } from '../profiles';

export interface HoverContext {
  document: TextDocument;
  /**
   * The construct note at an offset, asked only where no finding is: the caller knows where the tree
   * is (kept here, in the lint worker for a large document, none for a skipped one).
   */
  constructAt(offset: number): ConstructMatch | null | Promise<ConstructMatch | null>;
  findings: readonly Finding[];
  rulesById: ReadonlyMap<string, RuleDefinition>;
  /** perflens.hover: explain the findings under the cursor. */
  explainFindings: boolean;
  /** perflens.constructHovers: notes on constructs the guide covers, where nothing is reported. */
  constructHovers: boolean;
  /** The client runs perflens.openGuide / perflens.disableRule (VS Code): links are command URIs. */
  clientCommands: boolean;
  /** The client shows the diagnostic's message right above the hover (VS Code): the hover does not repeat it. */
  messageShownAbove: boolean;
  /** The guide link for other clients: `slug` or `slug#anchor` → a URL of the bundled Markdown. */
  guideHref(target: string): string;
}

export function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

function guideLink(target: string, ctx: HoverContext): string {
  return ctx.clientCommands ? commandUri(COMMANDS.openGuide, [target]) : ctx.guideHref(target);
}

function findingLinks(rule: RuleDefinition, ctx: HoverContext): HoverLinks {
  return ctx.clientCommands
    ? { guide: commandUri(COMMANDS.openGuide, [rule.guide]), disable: commandUri(COMMANDS.disableRule, [rule.id]) }
    : { guide: ctx.guideHref(rule.guide) };
}

export async function hoverAt(offset: number, ctx: HoverContext): Promise<Hover | null> {
  const here = ctx.findings.filter((f) => f.start <= offset && offset <= f.end);
  if (here.length > 0) {
    if (!ctx.explainFindings) return null;
    const sections = here.flatMap((finding) => {
      const rule = ctx.rulesById.get(finding.ruleId);
      if (!rule) return [];
      const explained = renderFindingHover(rule, finding, findingLinks(rule, ctx), { messageShownAbove: ctx.messageShownAbove });
      // A loaded profile's measurement first: it says whether the finding is worth the change.
      const measured = finding.profile && finding.profile.heat !== 'unmatched' ? describeFindingProfile(finding.profile) : '';
      return [measured ? `${measured}\n\n${explained}` : explained];
    });
    const first = here[0];
    return {
      contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') },
      range: { start: ctx.document.positionAt(first.start), end: ctx.document.positionAt(first.end) },
    };
  }
  if (!ctx.constructHovers) return null;
  const found = await ctx.constructAt(offset);
  if (!found) return null;
  const title = guideSection(found.doc.guide)?.title ?? found.doc.guide;
  return {
    contents: { kind: 'markdown', value: renderConstructHover(found.doc, guideLink(found.doc.guide, ctx), title) },
    range: { start: ctx.document.positionAt(found.start), end: ctx.document.positionAt(found.end) },
  };
}

/** The construct note at an offset of a parsed text. */
export function constructNoteAt(tree: Tree, text: string, offset: number): ConstructMatch | null {
  return constructAt(tree.rootNode, factsFor(tree, text), offset);
}

const IMPORTS_QUERY = '(import_statement) @import (import_from_statement) @import';
const importQueries = new WeakMap<object, Query>();

/** The file's import facts (all that construct notes need), from one small query over the tree. */
function factsFor(tree: Tree, text: string): FileFacts {
  let query = importQueries.get(tree.language);
  if (!query) {
    query = new Query(tree.language, IMPORTS_QUERY);
    importQueries.set(tree.language, query);
  }
  const imports: Node[] = query.captures(tree.rootNode).map((c) => c.node);
  return new FileFacts(tree, text, { imports, comments: [], functions: [] });
}
