// Inputs for the reliability tests: real files (the stdlib, the rule fixtures), seeded random
// mutations of them, and hand-made hostile inputs.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverFiles } from '../../server/project/discovery';
import { FIXTURES } from '../helpers/engine';

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function stdlibDir(): string {
  return execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_path("stdlib"))'], { encoding: 'utf8' }).trim();
}

export function stdlibFiles(): string[] {
  return discoverFiles([stdlibDir()]).files;
}

/** Every rule fixture's source (positive, negative and fix inputs): code the rules fire on. */
export function fixtureSources(): { name: string; text: string }[] {
  const dir = path.join(FIXTURES, 'rules');
  const out: { name: string; text: string }[] = [];
  for (const rule of readdirSync(dir).sort()) {
    for (const file of ['positive.py', 'negative.py', 'fix.py']) {
      try {
        out.push({ name: `${rule}/${file}`, text: readFileSync(path.join(dir, rule, file), 'utf8') });
      } catch {
        // not every rule has every file
      }
    }
  }
  return out;
}

/** All positive fixtures in one file: many findings of every rule, every library imported. */
export function fixtureFile(): string {
  return fixtureSources()
    .filter((s) => s.name.endsWith('/positive.py'))
    .map((s) => (s.text.endsWith('\n') ? s.text : s.text + '\n'))
    .join('\n');
}

const HOSTILE_SNIPPETS = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '"""',
  "'''",
  ':',
  '\\',
  '\t',
  '\r',
  '\r\n',
  '\0',
  '\ufeff',
  '😀',
  'é',
  '\ud800',
  'def ',
  'class ',
  'async ',
  'await ',
  'lambda',
  '#',
  '\n    ',
  '\n',
];

/** One random mutation of text, as an edit: what replaced what. */
export function randomEdit(text: string, next: () => number): { start: number; end: number; newText: string } {
  const pick = (n: number) => Math.floor(next() * n);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineRange = (line: number) => [lineStarts[line], line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length] as const;
  const at = pick(text.length + 1);
  switch (pick(9)) {
    case 0: {
      // delete a line
      const [s, e] = lineRange(pick(lineStarts.length));
      return { start: s, end: e, newText: '' };
    }
    case 1: {
      // duplicate a line
      const [s, e] = lineRange(pick(lineStarts.length));
      return { start: s, end: s, newText: text.slice(s, e) };
    }
    case 2: {
      // swap two adjacent lines
      const l = pick(Math.max(1, lineStarts.length - 1));
      const [s1, e1] = lineRange(l);
      const [, e2] = lineRange(l + 1);
      const second = text.slice(e1, e2);
      return { start: s1, end: e2, newText: (second.endsWith('\n') ? second : second + '\n') + text.slice(s1, e1) };
    }
    case 3:
      // truncate
      return { start: at, end: text.length, newText: '' };
    case 4: {
      // random bytes (as text)
      const n = 1 + pick(8);
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(pick(0x3000));
      return { start: at, end: at, newText: s };
    }
    case 5:
    case 6:
      // a hostile token: brackets, quotes, line endings, NUL, BOM, astral and lone surrogates
      return { start: at, end: at, newText: HOSTILE_SNIPPETS[pick(HOSTILE_SNIPPETS.length)] };
    case 7: {
      // delete a short span
      const end = Math.min(text.length, at + 1 + pick(20));
      return { start: at, end, newText: '' };
    }
    default: {
      // type one character (the editor's common case)
      const chars = 'abcdefghijklmnopqrstuvwxyz_ (),.:=0123456789';
      return { start: at, end: at, newText: chars[pick(chars.length)] };
    }
  }
}

/** Text with n seeded mutations applied. */
export function mutate(text: string, n: number, next: () => number): string {
  let t = text;
  for (let i = 0; i < n; i++) {
    const e = randomEdit(t, next);
    t = t.slice(0, e.start) + e.newText + t.slice(e.end);
  }
  return t;
}

/** Hand-made inputs that have broken parsers and linters before. */
export function hostileInputs(): { name: string; text: string }[] {
  return [
    { name: 'empty', text: '' },
    { name: 'only newline', text: '\n' },
    { name: 'NUL bytes', text: 'x = 1\0\0\0\nimport time\0\nasync def f():\n    time.sleep(1)\0\n' },
    { name: 'BOM', text: '\ufeffimport time\nasync def f():\n    time.sleep(1)\n' },
    { name: 'CRLF', text: 'import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n    return sum([x for x in y])\r\n' },
    { name: 'lone CR', text: 'import time\r\rasync def f():\r    time.sleep(1)\r    return sum([x for x in y])\r' },
    { name: 'tabs', text: 'import time\nasync def f():\n\ttime.sleep(1)\n\tif x:\n\t\treturn sum([x for x in y])\n' },
    { name: 'wide unicode', text: 'import time\ns = "😀é𝔘"\nasync def f():\n    t = "😀😀"; time.sleep(1)\n' },
    { name: 'lone surrogates', text: 'x = "\ud800\udfff\udc00"\nimport time\nasync def f():\n    time.sleep(1)\n' },
    { name: '1000-deep parentheses', text: `x = ${'('.repeat(1000)}1${')'.repeat(1000)}\n` },
    { name: '1000-deep lists', text: `x = ${'['.repeat(1000)}${']'.repeat(1000)}\n` },
    { name: '1000-deep calls', text: `x = ${'f('.repeat(1000)}1${')'.repeat(1000)}\n` },
    { name: '1000-deep blocks', text: Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}if x:\n`).join('') + ' '.repeat(1000) + 'pass\n' },
    {
      // Indentation pieced together by backslash continuations, with strings at the deepest level (tree-sitter-python#350).
      name: '600-deep blocks by continuations',
      text:
        Array.from({ length: 600 }, (_, i) => `${'        \\\n'.repeat(i >> 3)}${' '.repeat(i & 7)}if x:\n`).join('') +
        `${'        \\\n'.repeat(75)}s = "a {b}"\n`,
    },
    { name: '1000-deep binary', text: `x = ${Array.from({ length: 1000 }, () => 'a').join(' + ')}\n` },
    { name: '1000-deep lambdas', text: `f = ${'lambda: '.repeat(1000)}1\n` },
    { name: 'unbalanced open', text: 'def f(:\n' + '('.repeat(5000) + '\n' },
    { name: 'unbalanced close', text: ')'.repeat(5000) + '\n' },
    { name: 'unterminated string', text: 'x = """' + 'a\n'.repeat(2000) },
    { name: 'quote soup', text: `${'"\''.repeat(3000)}\n` },
    { name: 'long line', text: `x = ${'1 + '.repeat(50000)}1\n` },
    { name: 'binary junk', text: Array.from({ length: 20000 }, (_, i) => String.fromCharCode((i * 7919) % 0xd7ff)).join('') },
    { name: 'many decorators', text: '@d\n'.repeat(5000) + 'def f(): pass\n' },
  ];
}
