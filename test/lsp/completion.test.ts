// Templates as completion items (server/lsp/completion.ts): offered where a statement can start in a
// Python file, their body at the cursor and the imports they need added at the top like an auto-import.
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from './lspClient';

interface Item {
  label: string;
  kind?: number;
  detail?: string;
  documentation?: { kind: string; value: string };
  insertText?: string;
  insertTextFormat?: number;
  additionalTextEdits?: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[];
  data?: unknown;
}

const SNIPPET_KIND = 15;
const SNIPPET_FORMAT = 2;

describe('language server (template completions with imports)', function () {
  let client: TestClient;
  let version = 0;
  before(async () => {
    client = new TestClient();
    const init = await client.initialize({ pull: true });
    assert.deepEqual(init.capabilities.completionProvider, { resolveProvider: true });
  });
  after(() => client.shutdown());

  /** Opens text (a `|` marks the cursor) and asks for completions there. */
  async function complete(marked: string, uri = `file:///tmp/perflens-lsp/complete${++version}.py`): Promise<{ items: Item[] | null; doc: TextDocument }> {
    const offset = marked.indexOf('|');
    const text = marked.replace('|', '');
    const doc = TextDocument.create(uri, 'python', 1, text);
    await client.open(uri, text);
    const items = await client.request<Item[] | null>('textDocument/completion', { textDocument: { uri }, position: doc.positionAt(offset) });
    return { items, doc };
  }

  /** The text after accepting `prefix` at the cursor: its body (tab stops as typed) and its resolved import edit. */
  async function accept(marked: string, prefix: string): Promise<{ text: string; item: Item }> {
    const { items, doc } = await complete(marked);
    const item = await client.request<Item>(
      'completionItem/resolve',
      items!.find((i) => i.label === prefix)!,
    );
    return { text: TextDocument.applyEdits(doc, item.additionalTextEdits ?? []), item };
  }

  const SCRIPT = '"""Training script."""\nimport os\n\nimport numpy as np\n\n\ndef main():\n    pass\n\n\n|';

  it('offers each template as a snippet item, its imports left out of the body and listed in the documentation', async () => {
    const { items } = await complete(SCRIPT);
    const loop = items!.find((i) => i.label === 'torch-train-loop')!;
    assert.equal(loop.kind, SNIPPET_KIND);
    assert.equal(loop.insertTextFormat, SNIPPET_FORMAT);
    assert.equal(loop.detail, 'perflens template: PyTorch: training loop');
    assert.match(loop.insertText!, /^logger = logging\.getLogger/);
    assert.doesNotMatch(loop.insertText!, /^(import|from) /m);
    assert.match(loop.documentation!.value, /from torch\.utils\.data import DataLoader/);
    assert.ok(items!.length >= 80);
  });

  it('adds the missing imports at the top, each in its group and sorted, merged into one from-import per module', async () => {
    const { text } = await accept(SCRIPT, 'torch-train-loop');
    assert.equal(
      text,
      '"""Training script."""\nimport logging\nimport os\nfrom pathlib import Path\n\nimport numpy as np\nimport torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader\n\n\ndef main():\n    pass\n\n\n',
    );
    // Two names from one module become one statement.
    const deco = await accept('import os\n\n|', 'deco-basic');
    assert.equal(deco.text, 'import functools\nimport os\nfrom collections.abc import Callable\nfrom typing import ParamSpec, TypeVar\n\n');
  });

  it('skips imports the file has, joins its from-imports, and adds `import torch` beside `import torch as T`', async () => {
    const has = await accept(
      'import logging\nfrom pathlib import Path\n\nimport torch\nfrom torch import nn\nfrom torch.utils.data import Dataset\n\n|',
      'torch-train-loop',
    );
    assert.equal(
      has.text,
      'import logging\nfrom pathlib import Path\n\nimport torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader, Dataset\n\n',
    );
    // The body spells `torch.` and `nn.`: an alias does not provide those names.
    const alias = await accept('import logging\nfrom pathlib import Path\n\nimport torch as T\n\n|', 'torch-train-loop');
    assert.equal(
      alias.text,
      'import logging\nfrom pathlib import Path\n\nimport torch as T\nimport torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader\n\n',
    );
    const all = await accept(
      'import logging\nfrom pathlib import Path\n\nimport torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader\n|',
      'torch-train-loop',
    );
    assert.equal(all.item.additionalTextEdits, undefined);
  });

  it('is offered only where a statement can start', async () => {
    assert.ok((await complete('def f():\n    tor|')).items!.some((i) => i.label === 'torch-train-loop'));
    for (const marked of ['x = tor|', 's = """\ntor|\n"""\n', '# tor|', 'f(\n    tor|\n)\n', 'x.tor|']) {
      assert.equal((await complete(marked)).items, null, marked);
    }
  });
});
