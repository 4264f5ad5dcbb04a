// The build patches web-tree-sitter's JS glue (scripts/webTreeSitterPatch.mjs). These tests check
// that the patch applies to the installed package, refuses source it does not expect, is in every
// bundle, and that the patched glue parses and queries exactly like the original, including after
// the WASM memory grows (which replaces the typed-array views the patch reads through).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as patched from 'web-tree-sitter';
import { PATCH_MARKER, patchWebTreeSitter } from '../../scripts/webTreeSitterPatch.mjs';
import { DIST, FIXTURES, ROOT, pythonFiles } from '../helpers/engine';

type WebTreeSitter = typeof patched;

const PACKAGE_DIR = path.join(ROOT, 'node_modules', 'web-tree-sitter');
const BUILDS = ['web-tree-sitter.cjs', 'web-tree-sitter.js'];

/** Patterns with the kinds of captures and predicates the rules use, and every text predicate on lists of 0, 1 and more captures. */
const QUERY = `
(call function: (identifier) @f (#eq? @f "print")) @call
(call function: (attribute object: (_) @obj attribute: (identifier) @attr) arguments: (argument_list) @args)
(string) @string
((identifier) @name (#match? @name "^_"))
(function_definition name: (identifier) @def body: (block) @body)
((argument_list (identifier)* @ids) @a1 (#eq? @ids "a"))
((argument_list (identifier)* @ids) @a2 (#any-eq? @ids "a"))
((argument_list (identifier)* @ids) @a3 (#not-eq? @ids "a"))
((argument_list (identifier)* @ids) @a4 (#any-not-eq? @ids "a"))
((argument_list (identifier)* @ids) @a5 (#match? @ids "^[a-z]$"))
((argument_list (identifier)* @ids) @a6 (#any-match? @ids "^[a-z]$"))
((argument_list (identifier)* @ids) @a7 (#not-match? @ids "^_"))
((argument_list (identifier)* @ids) @a8 (#any-not-match? @ids "^_"))
((argument_list (identifier)* @ids) @a9 (#any-of? @ids "a" "self" "x"))
((argument_list (identifier)* @ids) @a10 (#not-any-of? @ids "a" "self"))
((identifier) @receiver (#eq? @receiver "self") (#set! kind "receiver") (#is? local) (#is-not? global))
`;

/** Enough calls to make tree-sitter grow its WASM memory beyond the initial 32 MB. */
const LARGE_SOURCE = 'def _g(a):\n    return a.b(print(a), "s")\n\nx = _g(1)\n'.repeat(6000);

/**
 * The lexer copies the text into WASM in chunks of 5,119 UTF-16 code units: text whose surrogate pairs, lone
 * surrogates and non-ASCII names fall on every offset around a chunk's end, and a last chunk both shorter and
 * longer than the patch's shortest native copy.
 */
function chunkEdgeSources(): string[] {
  const out: string[] = [];
  for (const pad of [5113, 5114, 5115, 5116, 5117, 5118, 5119, 5120]) {
    const filler = `${'# ' + 'x'.repeat(76) + '\n'}`.repeat(Math.floor(pad / 79)) + ' '.repeat(pad % 79);
    out.push(`${filler}s = "a\u{1F600}b\uD800c\uDC00"\nnäme = 1\n`);
    out.push(`${filler}\u{1F600}\u{1F600}\n${'t = "\uDBFF"\n'.repeat(40)}`);
  }
  return out;
}

/** Everything the engine reads from a tree, as text: a cursor walk, node navigation, query matches. */
function describeTree(ts: WebTreeSitter, language: patched.Language, parser: patched.Parser, source: string): string[] {
  const tree = parser.parse(source)!;
  const root = tree.rootNode; // made before the walk and the query, used after them
  const query = new ts.Query(language, QUERY);
  const cursor = tree.walk();
  const out: string[] = [];
  try {
    for (let more = true; more;) {
      out.push(
        `${cursor.nodeType} ${cursor.currentFieldName} ${cursor.startIndex}-${cursor.endIndex} ${cursor.startPosition.row}:${cursor.startPosition.column}`,
      );
      more = cursor.gotoFirstChild() || cursor.gotoNextSibling();
      while (!more && cursor.gotoParent()) more = cursor.gotoNextSibling();
    }
    for (const m of query.matches(root)) {
      const captures = m.captures.map((c) => `${c.name}=${c.node.type}@${c.node.startIndex}-${c.node.endIndex}<${c.node.parent?.type}>${c.node.text.length}`);
      const properties = JSON.stringify([m.setProperties, m.assertedProperties, m.refutedProperties]);
      out.push(`${m.patternIndex} ${captures.join(' ')} ${properties}`);
    }
    const named = root.namedChildren.map((n) => `${n!.type}:${n!.childCount}:${n!.childForFieldName('name')?.text}`);
    out.push(`${root.childCount} ${root.descendantsOfType('identifier').length} ${root.endPosition.row} ${named.join(',')}`);
  } finally {
    cursor.delete();
    query.delete();
    tree.delete();
  }
  return out;
}

/** A cursor walk of the tree: every node's type, field, offsets and start point. */
function walk(tree: patched.Tree): string[] {
  const cursor = tree.walk();
  const out: string[] = [];
  for (let more = true; more;) {
    out.push(
      `${cursor.nodeType} ${cursor.currentFieldName} ${cursor.startIndex}-${cursor.endIndex} ${cursor.startPosition.row}:${cursor.startPosition.column}`,
    );
    more = cursor.gotoFirstChild() || cursor.gotoNextSibling();
    while (!more && cursor.gotoParent()) more = cursor.gotoNextSibling();
  }
  cursor.delete();
  return out;
}

/** Types a letter at each of `points` and deletes it again, re-parsing incrementally after each edit: each tree's walk. */
async function reparseWalks(ts: WebTreeSitter, source: string, points: readonly number[]): Promise<string[][]> {
  await ts.Parser.init({ locateFile: (file: string) => path.join(DIST, file) });
  const language = await ts.Language.load(path.join(DIST, 'tree-sitter-python.wasm'));
  const parser = new ts.Parser();
  parser.setLanguage(language);
  let text = source;
  let tree = parser.parse(text)!;
  const out: string[][] = [];
  const pointAt = (at: number) => {
    const row = text.slice(0, at).split('\n').length - 1;
    return { row, column: at - text.lastIndexOf('\n', at - 1) - 1 };
  };
  try {
    for (const at of points) {
      for (const insert of [true, false]) {
        const start = pointAt(at);
        const after = { row: start.row, column: start.column + 1 };
        tree.edit(
          new ts.Edit({
            startIndex: at,
            oldEndIndex: insert ? at : at + 1,
            newEndIndex: insert ? at + 1 : at,
            startPosition: start,
            oldEndPosition: insert ? start : after,
            newEndPosition: insert ? after : start,
          }),
        );
        text = insert ? `${text.slice(0, at)}q${text.slice(at)}` : text.slice(0, at) + text.slice(at + 1);
        const next = parser.parse(text, tree)!;
        tree.delete();
        tree = next;
        // The s-expression (one call) after each edit; every node's offsets and points after every tenth.
        out.push(out.length % 10 === 9 ? walk(tree) : [tree.rootNode.toString()]);
      }
    }
  } finally {
    tree.delete();
    parser.delete();
  }
  return out;
}

/** WebAssembly.Memory.prototype (the project's TypeScript lib has no WebAssembly types). */
function wasmMemoryPrototype(): { grow(delta: number): number } {
  return (globalThis as unknown as { WebAssembly: { Memory: { prototype: { grow(delta: number): number } } } }).WebAssembly.Memory.prototype;
}

async function describeAll(ts: WebTreeSitter, sources: readonly string[]): Promise<{ lines: string[][]; grows: number }> {
  await ts.Parser.init({ locateFile: (file: string) => path.join(DIST, file) });
  const language = await ts.Language.load(path.join(DIST, 'tree-sitter-python.wasm'));
  const parser = new ts.Parser();
  parser.setLanguage(language);
  const memory = wasmMemoryPrototype();
  const grow = memory.grow;
  let grows = 0;
  memory.grow = function (delta: number) {
    grows++;
    return grow.call(this, delta);
  };
  try {
    return { lines: sources.map((s) => describeTree(ts, language, parser, s)), grows };
  } finally {
    memory.grow = grow;
    parser.delete();
  }
}

describe('web-tree-sitter glue patch', () => {
  it('applies to both builds of the installed web-tree-sitter', () => {
    for (const build of BUILDS) {
      const text = patchWebTreeSitter(readFileSync(path.join(PACKAGE_DIR, build), 'utf8'), build);
      assert.ok(text.includes(PATCH_MARKER), build);
      // The helpers' big-endian fallbacks are the only i32 calls left.
      assert.equal(text.match(/C\.[gs]etValue\([^;]*?"i32"\)/g)?.length, 2, `${build}: an i32 getValue/setValue call left unpatched`);
      assert.doesNotMatch(text.slice(text.indexOf('var Node = class'), text.indexOf('var Node = class') + 2000), /\[0\] = 0;|this\[0\]/, build);
    }
  });

  it('fails the build when web-tree-sitter is not the code it expects', () => {
    const source = readFileSync(path.join(PACKAGE_DIR, BUILDS[0]), 'utf8');
    const changed = [
      source.replace('\nvar C;\n', '\nvar C2;\n'),
      source.replace('  _namedChildren;\n', ''),
      source.replace('marshalNode(this);', 'marshalNode(this); C.getValue(TRANSFER_BUFFER, "i32");'),
      source.replace('C.setValue(address, node[0], "i32");', 'C.setValue(address, node.handle, "i32");'),
      source.replace('var codeUnit = str.charCodeAt(i2);', 'var codeUnit = str.codePointAt(i2);'),
    ];
    for (const text of changed) {
      assert.notEqual(text, source);
      assert.throws(() => patchWebTreeSitter(text), /web-tree-sitter changed/);
    }
  });

  it('is in every bundle', () => {
    for (const bundle of [__filename, path.join(DIST, 'cli.js'), path.join(DIST, 'server.js'), path.join(DIST, 'web', 'server.js')]) {
      assert.ok(readFileSync(bundle, 'utf8').includes(PATCH_MARKER), `${bundle} has the unpatched web-tree-sitter`);
    }
  });

  it('parses and queries exactly like the unpatched glue, also after the WASM memory grows', async function () {
    this.timeout(180000);
    const sources = [...pythonFiles(FIXTURES).map((f) => readFileSync(f, 'utf8')), ...chunkEdgeSources(), LARGE_SOURCE];
    // The package as installed, loaded at run time so that esbuild neither bundles nor patches it.
    const original = createRequire(__filename)(path.join(PACKAGE_DIR, 'web-tree-sitter.cjs')) as WebTreeSitter;
    const mine = await describeAll(patched, sources);
    const theirs = await describeAll(original, sources);
    assert.ok(mine.grows > 0, 'the large source no longer makes the WASM memory grow: make it larger');
    for (let i = 0; i < sources.length; i++) assert.deepEqual(mine.lines[i], theirs.lines[i], `source ${i}`);
  });

  it('re-parses incrementally exactly like the unpatched glue, the text read in chunks from every edited place', async function () {
    this.timeout(120000);
    const source = [
      ...pythonFiles(FIXTURES)
        .slice(0, 12)
        .map((f) => readFileSync(f, 'utf8')),
      ...chunkEdgeSources().slice(0, 4),
    ].join('\n');
    const points: number[] = [];
    for (let at = source.indexOf('def '); at >= 0 && points.length < 40; at = source.indexOf('def ', at + 397)) points.push(at + 5);
    const original = createRequire(__filename)(path.join(PACKAGE_DIR, 'web-tree-sitter.cjs')) as WebTreeSitter;
    const mine = await reparseWalks(patched, source, points);
    const theirs = await reparseWalks(original, source, points);
    assert.ok(points.length >= 20 && source.length > 15000, 'too few edits or too short a text to read many chunks');
    for (let i = 0; i < mine.length; i++) assert.deepEqual(mine[i], theirs[i], `edit ${i}`);
  });
});
