// Types for the parts of check-snippets.mjs the test suite uses.
export interface SnippetEntry {
  prefix: string | string[];
  body: string | string[];
  description?: string;
}
export type SnippetNode = unknown;
export const SNIPPETS_FILE: string;
export function parseSnippet(src: string): SnippetNode[];
export function expandSnippet(nodes: SnippetNode[]): string;
export function loadSnippets(file?: string): { raw: string; snippets: Record<string, SnippetEntry> };
export function bodyText(entry: SnippetEntry): string;
export function checkEntries(raw: string, snippets: Record<string, SnippetEntry>): string[];
