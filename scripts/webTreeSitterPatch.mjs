// Build-time patch of web-tree-sitter's JavaScript glue, applied by every esbuild bundle
// (esbuild.mjs, bench/build.mjs) to whichever of its builds the bundle resolves (.cjs for Node,
// .js for the browser worker). node_modules itself is never touched.
//
// Why: profiling a lint of the CPython stdlib showed about 15 % of all CPU time in the glue around the
// WASM calls, not in tree-sitter itself:
//  - every int read or written through the transfer buffer (marshalNode, unmarshalNode, match and
//    cursor marshalling) goes through emscripten's generic getValue/setValue, which switch on a
//    type string and read through a DataView; a direct Int32Array access is several times cheaper;
//  - every Node kept its WASM handle as the indexed property `[0]`: storing an index on a fresh
//    object allocates an elements backing store, which made `new Node` about five times slower
//    (and fed the GC). Only marshalNode reads it, so the patch keeps it as the named property
//    `_other` instead, and moves Node's class-field initialisers into its constructor;
//  - Node.type is read again and again on the same Node (a call into WASM each time): cached;
//  - the lexer's text is copied into WASM memory one DataView store per UTF-16 code unit, up to 5,119 per read,
//    and a keystroke's incremental re-parse reads at every place it lexes again: one native copy instead.
// The same values are read and written; Node's public properties are unchanged (`[0]` is internal
// and absent from web-tree-sitter's types).
//
// A dependency bump must never skip or corrupt the patch silently: each rewrite checks that the
// exact source it expects is there (and how many call sites it rewrites), and throws otherwise,
// which fails the build. test/unit/webTreeSitterPatch.test.ts covers the patch and the bundles.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Present in every patched bundle, as a legal comment esbuild keeps (the tests look for it). */
export const PATCH_MARKER = 'perflens: web-tree-sitter glue patch';

/** Call sites of C.getValue/C.setValue with type "i32" in web-tree-sitter 0.27.1 (each build). */
const EXPECTED_I32_CALLS = { getValue: 58, setValue: 25 };

/**
 * Fast int access to WASM memory. Memory growth detaches the old buffer (the cached view's length
 * drops to 0) and emscripten's updateMemoryViews puts the new view on the module as HEAP32, so the
 * cache re-reads it then. Typed arrays use the host's byte order; on a big-endian host the helpers
 * fall back to emscripten's little-endian getValue/setValue.
 */
const HELPERS =
  `var C; /*! ${PATCH_MARKER} */ ` +
  'var perflensLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1; ' +
  'var perflensHeap32 = new Int32Array(0); ' +
  'function perflensI32() { if (perflensHeap32.length === 0) perflensHeap32 = C.HEAP32; return perflensHeap32; } ' +
  'function perflensGetI32(ptr) { return perflensLittleEndian ? perflensI32()[ptr >> 2] : C.getValue(ptr, "i32"); } ' +
  'function perflensSetI32(ptr, value) { if (perflensLittleEndian) perflensI32()[ptr >> 2] = value; else C.setValue(ptr, value, "i32"); } ' +
  'var perflensNodeBuffer = typeof Buffer === "function" && typeof Buffer.from === "function" ? Buffer : void 0; ' +
  'var perflensHeapBytes; ' +
  'function perflensWriteUTF16(str, count, heap16, outPtr) { ' +
  'if (count > 64 && perflensNodeBuffer) { ' +
  'if (perflensHeapBytes === void 0 || perflensHeapBytes.buffer !== heap16.buffer) perflensHeapBytes = perflensNodeBuffer.from(heap16.buffer); ' +
  'perflensHeapBytes.write(count < str.length ? str.slice(0, count) : str, outPtr, count * 2, "utf16le"); ' +
  '} else { for (var i = 0, at = outPtr >> 1; i < count; i++) heap16[at + i] = str.charCodeAt(i); } ' +
  'return outPtr + count * 2; } ' +
  'function perflensPredicatesPass(predicates, captures) { for (var i = 0; i < predicates.length; i++) if (!predicates[i](captures)) return false; return true; }';

/**
 * The lexer reads the text through a callback that copies up to 5,119 UTF-16 code units into WASM memory per call,
 * one DataView store per code unit; an incremental re-parse asks for text at every place it lexes again (about a
 * dozen times for a keystroke in a 3.5k-line file), so that copy loop was a sixth of a keystroke's re-parse. On a
 * little-endian host the code units are the bytes WASM expects: Node's native UTF-16 write copies them (lone
 * surrogates included, unchanged), and the browser build stores them through a Uint16Array view.
 */
const UTF16_COPY_LOOP =
  /^([ \t]*)for \(var i2 = 0; i2 < numCharsToWrite; \+\+i2\) \{\n[ \t]*var codeUnit = str\.charCodeAt\(i2\);\n[ \t]*LE_HEAP_STORE_I16\(\(outPtr >> 1\) \* 2, codeUnit\);\n/m;

/** setModule may in principle install a new module (new memory): drop the cached view with it. */
const SET_MODULE = ['function setModule(module2) {\n  C = module2;\n', 'function setModule(module2) {\n  C = module2; perflensHeap32 = new Int32Array(0);\n'];

/** Node's constructor signature, kept as it is. */
const NODE_SIGNATURE = `  constructor(internal, {
    id,
    tree,
    startIndex,
    startPosition,
    other
  }) {
    assertInternal(internal);
`;

/** Node's class fields, defined on every Node before its constructor runs, and the constructor. */
const NODE_FIELDS = `  /** @internal */
  // @ts-expect-error: never read
  [0] = 0;
  // Internal handle for Wasm
  /** @internal */
  _children;
  /** @internal */
  _namedChildren;
  /** @internal */
${NODE_SIGNATURE}    this[0] = other;
    this.id = id;
    this.tree = tree;
    this.startIndex = startIndex;
    this.startPosition = startPosition;
  }
`;

/** The same properties as plain assignments, with the handle under a name (see the top). */
const NODE_CONSTRUCTOR = `${NODE_SIGNATURE}    this._other = other;
    this._type = void 0;
    this._children = void 0;
    this._namedChildren = void 0;
    this.id = id;
    this.startIndex = startIndex;
    this.startPosition = startPosition;
    this.tree = tree;
  }
`;

/** marshalNode, the one reader of a Node's handle. */
const MARSHAL_HANDLE = ['C.setValue(address, node[0], "i32");', 'C.setValue(address, node._other, "i32");'];

/**
 * Node.type asks WASM for the symbol on every read, and over half the reads (rules test a node's
 * type against several names) are of a Node already asked. A node's type never changes: cache it.
 */
const NODE_TYPE = [
  '  get type() {\n    return this.tree.language.types[this.typeId] || "ERROR";\n  }\n',
  '  get type() {\n    return this._type ??= this.tree.language.types[this.typeId] || "ERROR";\n  }\n',
];

/**
 * Query.matches: a raw match's result object was made with two properties and given three more one by one, so each
 * took a second allocation for the properties that did not fit (a query pass makes one per raw match, tens of
 * thousands per file), and the text predicates were tested through a closure made per raw match. One object literal
 * with the same five properties in the same order, and a plain loop over the predicates.
 */
const MATCH_RESULT = [
  `      if (this.textPredicates[patternIndex].every((p) => p(captures))) {
        result[filteredCount] = { patternIndex, captures };
        const setProperties = this.setProperties[patternIndex];
        result[filteredCount].setProperties = setProperties;
        const assertedProperties = this.assertedProperties[patternIndex];
        result[filteredCount].assertedProperties = assertedProperties;
        const refutedProperties = this.refutedProperties[patternIndex];
        result[filteredCount].refutedProperties = refutedProperties;
        filteredCount++;
`,
  `      if (perflensPredicatesPass(this.textPredicates[patternIndex], captures)) {
        result[filteredCount] = {
          patternIndex,
          captures,
          setProperties: this.setProperties[patternIndex],
          assertedProperties: this.assertedProperties[patternIndex],
          refutedProperties: this.refutedProperties[patternIndex],
        };
        filteredCount++;
`,
];

/**
 * The text predicates (`#eq?` with a string, `#match?`, `#any-of?`) run on every raw match of their pattern; each
 * collected its capture's nodes or texts into a fresh array, and `#match?` made two closures per call. These loops give
 * the same answers (an empty capture list included) and stop at the first text that decides them.
 */
const TEXT_PREDICATES = [
  [
    `    textPredicates[index].push((captures) => {
      const nodes = [];
      for (const c of captures) {
        if (c.name === captureName) nodes.push(c.node);
      }
      const test = isPositive ? matches : doesNotMatch;
      return matchAll ? nodes.every(test) : nodes.some(test);
    });
`,
    `    textPredicates[index].push((captures) => {
      const test = isPositive ? matches : doesNotMatch;
      for (const c of captures) {
        if (c.name === captureName && test(c.node) !== matchAll) return !matchAll;
      }
      return matchAll;
    });
`,
  ],
  [
    `  textPredicates[index].push((captures) => {
    const nodes = [];
    for (const c of captures) {
      if (c.name === captureName) nodes.push(c.node.text);
    }
    const test = /* @__PURE__ */ __name((text, positive) => {
      return positive ? regex.test(text) : !regex.test(text);
    }, "test");
    if (nodes.length === 0) return !isPositive;
    return matchAll ? nodes.every((text) => test(text, isPositive)) : nodes.some((text) => test(text, isPositive));
  });
`,
    `  textPredicates[index].push((captures) => {
    let seen = false;
    for (const c of captures) {
      if (c.name !== captureName) continue;
      seen = true;
      if ((regex.test(c.node.text) === isPositive) !== matchAll) return !matchAll;
    }
    return seen ? matchAll : !isPositive;
  });
`,
  ],
  [
    `  textPredicates[index].push((captures) => {
    const nodes = [];
    for (const c of captures) {
      if (c.name === captureName) nodes.push(c.node.text);
    }
    if (nodes.length === 0) return !isPositive;
    return nodes.every((text) => values.includes(text)) === isPositive;
  });
`,
    `  textPredicates[index].push((captures) => {
    let seen = false;
    for (const c of captures) {
      if (c.name !== captureName) continue;
      seen = true;
      if (!values.includes(c.node.text)) return !isPositive;
    }
    return seen === isPositive;
  });
`,
  ],
];

/** The declarations of the fields the constructor now assigns (each with its doc comment above). */
const NODE_LATER_FIELDS = ['  id;\n', '  startIndex;\n', '  startPosition;\n', '  tree;\n'];

/** Patches the source of web-tree-sitter.cjs or .js; throws when it is not the expected code. */
export function patchWebTreeSitter(source, file = 'web-tree-sitter') {
  const fail = (what) => {
    throw new Error(`${PATCH_MARKER}: expected ${what} in ${file}; web-tree-sitter changed, update scripts/webTreeSitterPatch.mjs`);
  };
  let text = replaceOnce(source, MARSHAL_HANDLE[0], MARSHAL_HANDLE[1], fail);
  // Call sites first: the helpers' own big-endian fallback calls must stay as they are.
  for (const [method, expected] of Object.entries(EXPECTED_I32_CALLS)) {
    const helper = method === 'getValue' ? 'perflensGetI32' : 'perflensSetI32';
    const rewritten = rewriteI32Calls(text, method, helper);
    if (rewritten.count !== expected) fail(`${expected} C.${method}(..., "i32") calls, found ${rewritten.count}`);
    text = rewritten.text;
  }
  text = replaceOnce(text, '\nvar C;\n', `\n${HELPERS}\n`, fail);
  text = replaceOnce(text, SET_MODULE[0], SET_MODULE[1], fail);
  text = patchUtf16Copy(text, fail);
  text = replaceOnce(text, MATCH_RESULT[0], keepLineCount(MATCH_RESULT[1], MATCH_RESULT[0]), fail);
  for (const [from, to] of TEXT_PREDICATES) text = replaceOnce(text, from, keepLineCount(to, from), fail);
  return patchNodeClass(text, fail);
}

/** Node: handle `_other`, fields set in the constructor, type cached (same line count, so source maps hold). */
function patchNodeClass(text, fail) {
  const start = text.indexOf('\nvar Node = class {\n');
  if (start < 0) fail('the Node class');
  const end = text.indexOf('\n};\n', start);
  let body = replaceOnce(text.slice(start, end), NODE_FIELDS, keepLineCount(NODE_CONSTRUCTOR, NODE_FIELDS), fail);
  body = replaceOnce(body, NODE_TYPE[0], NODE_TYPE[1], fail);
  for (const field of NODE_LATER_FIELDS) body = replaceOnce(body, field, '\n', fail);
  return text.slice(0, start) + body + text.slice(end);
}

/** stringToUTF16's loop, the one copying the lexer's text: the fast copy first, the loop kept for big-endian hosts. */
function patchUtf16Copy(text, fail) {
  const found = text.match(UTF16_COPY_LOOP);
  if (!found || text.slice(found.index + found[0].length).match(UTF16_COPY_LOOP)) fail("stringToUTF16's copy loop, once");
  const fast = `${found[1]}if (perflensLittleEndian) outPtr = perflensWriteUTF16(str, Math.ceil(numCharsToWrite), HEAPU16, outPtr); else\n`;
  return text.slice(0, found.index) + fast.trimEnd() + ' ' + found[0].trimStart() + text.slice(found.index + found[0].length);
}

function keepLineCount(replacement, original) {
  const missing = original.split('\n').length - replacement.split('\n').length;
  return replacement + '\n'.repeat(Math.max(0, missing));
}

/** Replaces the one occurrence of `from`; fails when there is none or more than one. */
function replaceOnce(text, from, to, fail) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) fail(`exactly one ${JSON.stringify(from.trim().split('\n')[0])}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** Rewrites `C.<method>(args..., "i32")` to `<helper>(args...)`; other types stay as they are. */
function rewriteI32Calls(text, method, helper) {
  const needle = `C.${method}(`;
  let out = '';
  let from = 0;
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, from)) {
    const open = at + needle.length - 1;
    const close = closingParen(text, open);
    const args = topLevelArgs(text.slice(open + 1, close));
    const isI32 = args.length >= 2 && args[args.length - 1].trim() === '"i32"';
    out += text.slice(from, at) + (isI32 ? `${helper}(${args.slice(0, -1).join(',')})` : text.slice(at, close + 1));
    if (isI32) count++;
    from = close + 1;
  }
  return { text: out + text.slice(from), count };
}

/** Index of the parenthesis closing the one at `open` (the glue's arguments hold no parens in strings). */
function closingParen(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if ('([{'.includes(text[i])) depth++;
    else if (')]}'.includes(text[i]) && --depth === 0) return i;
  }
  throw new Error(`${PATCH_MARKER}: unbalanced call at offset ${open}`);
}

/** Splits an argument list at its top-level commas. */
function topLevelArgs(list) {
  const args = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if ('([{'.includes(list[i])) depth++;
    else if (')]}'.includes(list[i])) depth--;
    else if (list[i] === ',' && depth === 0) {
      args.push(list.slice(start, i));
      start = i + 1;
    }
  }
  args.push(list.slice(start));
  return args;
}

/**
 * The esbuild plugin: Node bundles use web-tree-sitter's CJS build (esbuild would pick the ESM one
 * and break its import.meta); the browser bundle keeps its default resolution. Both get the patch.
 */
export function webTreeSitter({ cjs }) {
  return {
    name: 'web-tree-sitter',
    setup(build) {
      if (cjs) build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
      build.onLoad({ filter: /[\\/]web-tree-sitter[\\/]web-tree-sitter\.c?js$/ }, (args) => ({
        contents: patchWebTreeSitter(readFileSync(args.path, 'utf8'), args.path),
        loader: 'js',
      }));
    },
  };
}
