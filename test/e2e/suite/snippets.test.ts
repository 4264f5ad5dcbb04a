// A template is offered by its prefix in Python files (a completion from the language server, not a static
// snippet), expands with its tab stops, and adds the imports it needs at the top of the file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, extension, openScratch, waitFor } from './helpers';

const PREFIX = 'deco-basic';

interface Snippet {
  name: string;
  prefix: string;
  body: string;
  firstPlaceholder: string;
  secondPlaceholder: string;
}

/** The snippet with PREFIX from the extension's snippets/python.json, failing clearly if it is not there. */
function snippet(): Snippet {
  const file = path.join(extension().extensionPath, 'snippets', 'python.json');
  assert.ok(fs.existsSync(file), `${file} is missing: package.json contributes it as the Python snippets`);
  const all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { prefix: string | string[]; body: string | string[] }>;
  const entry = Object.entries(all).find(([, s]) => [s.prefix].flat().includes(PREFIX));
  assert.ok(entry, `snippets/python.json has no snippet with prefix ${PREFIX}; this test needs one with tab stops $1 and $2`);
  const [name, s] = entry;
  const body = [s.body].flat().join('\n');
  const placeholder = (n: number) => new RegExp(`\\$\\{${n}:([^$\\{\\}]*)\\}`).exec(body)?.[1];
  const first = placeholder(1);
  const second = placeholder(2);
  assert.ok(first && second, `snippet ${PREFIX} needs plain-text placeholders \${1:…} and \${2:…}`);
  // The server serves the body without its leading import lines (it adds those at the top instead).
  const served = body.replace(/^(?:(?:import|from) [^\n$]*\n|\n)*/, '');
  return { name, prefix: PREFIX, body: served, firstPlaceholder: first, secondPlaceholder: second };
}

/**
 * The text VS Code inserts when every placeholder keeps its default: ${N:default} -> default (nested ones too),
 * ${N|a,b|} -> a, a mirror $N / ${N} -> tab stop N's value ("" if it has none), and \$ \} \\ unescaped.
 * `typed` is what the user typed over tab stop 1 (its mirrors follow).
 */
function expandDefaults(body: string, typed?: string): string {
  const values = new Map<string, string>(typed === undefined ? [] : [['1', typed]]);
  const valueOf = (n: string, fallback: string) => {
    if (!values.has(n)) values.set(n, fallback);
    return values.get(n)!;
  };
  let text = body;
  // Innermost placeholders first, until none is left.
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text
      .replace(/\$\{(\d+):((?:\\.|\$\d+|[^${}\\])*)\}/g, (_, n: string, value: string) => valueOf(n, value))
      .replace(/\$\{(\d+)\|([^,|]*)[^|]*\|\}/g, (_, n: string, first: string) => valueOf(n, first));
  }
  return text.replace(/\$\{(\d+)\}|\$(\d+)/g, (_, a?: string, b?: string) => values.get(a ?? b!) ?? '').replace(/\\([$}\\])/g, '$1');
}

async function emptyPythonEditor(content = ''): Promise<vscode.TextEditor> {
  const editor = await openScratch('template.py', content);
  const end = editor.document.positionAt(content.length);
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

/** The server's completion item for PREFIX at the cursor, resolved (so it carries its import edits). */
async function templateItem(editor: vscode.TextEditor): Promise<vscode.CompletionItem> {
  const list = await waitFor(`a completion ${PREFIX} from the server`, async () => {
    const l = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      editor.selection.active,
      undefined,
      200,
    );
    return l.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === PREFIX) ? l : undefined;
  });
  return list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === PREFIX)!;
}

describe('snippets', () => {
  afterEach(closeAllEditors);

  it(`typing "${PREFIX.slice(0, 6)}" in a Python file offers the ${PREFIX} snippet`, async () => {
    const { body } = snippet();
    const editor = await emptyPythonEditor();
    const typed = PREFIX.slice(0, 6);
    await vscode.commands.executeCommand('type', { text: typed });
    const item = await templateItem(editor);
    assert.equal(item.kind, vscode.CompletionItemKind.Snippet);
    assert.ok(item.insertText instanceof vscode.SnippetString, 'a snippet completion inserts a SnippetString');
    assert.equal(item.insertText.value, body);
  });

  it(`accepting ${PREFIX} adds its imports at the top, expands it and selects its tab stops in order`, async () => {
    const { body, firstPlaceholder, secondPlaceholder } = snippet();
    const editor = await emptyPythonEditor('import os\n\n');
    const item = await templateItem(editor);
    const edit = new vscode.WorkspaceEdit();
    edit.set(editor.document.uri, item.additionalTextEdits ?? []);
    await vscode.workspace.applyEdit(edit);
    await editor.insertSnippet(item.insertText as vscode.SnippetString);
    const imports = 'import functools\nimport os\nfrom collections.abc import Callable\nfrom typing import ParamSpec, TypeVar\n\n';
    assert.equal(editor.document.getText(), imports + expandDefaults(body));
    assert.equal(editor.document.getText(editor.selection), firstPlaceholder, 'the first tab stop is selected');
    await vscode.commands.executeCommand('type', { text: 'traced' });
    await vscode.commands.executeCommand('jumpToNextSnippetPlaceholder');
    assert.equal(editor.document.getText(editor.selection), secondPlaceholder, 'Tab moves to the second tab stop');
    assert.equal(editor.document.getText(), imports + expandDefaults(body, 'traced'));
  });
});
