// The latency figure's document, opened in-process as the server opens it: what the keystroke probes (keymin,
// allocprobe, gcpauses) type into without the LSP. Imported by them; run alone it does nothing.
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ALL_RULES } from '../rules';
import { Engine } from '../server/engine/engine';
import type { LintOptions } from '../server/engine/options';
import { ParsedDocument } from '../server/lsp/documents';
import { NODE_FILES } from '../server/project/fileProbe';
import { concatenated } from './corpus';

/** The options the server lints the latency file with (its path: impact reads its project and folders). */
export function latencyOptions(lines: number, extra: Partial<LintOptions> = {}): LintOptions {
  return { impact: 'auto', filePath: `/tmp/perflens-bench/latency-${lines}.py`, ...extra } as LintOptions;
}

/** An engine reading the disk (as the server does) and the `lines`-line latency document, linted once in full. */
export async function latencyDocument(lines: number, options: LintOptions): Promise<{ engine: Engine; doc: ParsedDocument; text: string }> {
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  engine.files = NODE_FILES;
  const text = concatenated(lines);
  const doc = new ParsedDocument(TextDocument.create('file:///bench/latency.py', 'python', 1, text), engine);
  doc.lint(options);
  return { engine, doc, text };
}
