// User code in perflens's Markdown (server/docs/markdownText.ts): whatever the code holds, it renders
// as the text it is (issue 23, item 7). Checked by rendering with markdown-it, GFM-style autolinks on.
import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { escapeMarkdownText, markdownCode, messageMarkdown } from '../../server/docs/markdownText';
import { rng } from '../stress/corpus';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
const md = new MarkdownIt({ html: true, linkify: true });

/** The inline tokens of a one-paragraph rendering (anything else, e.g. a second block, fails). */
function inlineTokens(markdown: string): Token[] {
  const blocks = md.parse(markdown, {});
  assert.deepEqual(
    blocks.map((b) => b.type),
    ['paragraph_open', 'inline', 'paragraph_close'],
    `one paragraph: ${JSON.stringify(markdown)}`,
  );
  return blocks[1].children ?? [];
}

const HOSTILE = [
  '[x](command:perflens.disableRule?%5B%22ALL%22%5D)',
  '`[x](command:y)`',
  '![](https://example.invalid/pixel.png)',
  '<img src=x onerror=alert(1)>',
  '&#x3C;script&#x3E;',
  '*a* _b_ **c** ~~d~~ | e |',
  'https://example.invalid/x www.example.invalid a@example.invalid',
  'a\n\n[y](command:z)\n# heading\n- item\n> quote',
  '\\`[w](http://example.invalid)\\`',
  '``` fenced ```',
  ' `lead and trail` ',
  '`',
  '',
  '[ref]: https://example.invalid\n[ref]',
];

function randomHostile(next: () => number): string {
  const alphabet = [
    '`',
    '``',
    '[',
    ']',
    '(',
    ')',
    '!',
    '<',
    '>',
    '\\',
    '*',
    '_',
    '&',
    '#',
    ':',
    '/',
    '@',
    'www.',
    'https://',
    'command:x',
    '\n',
    ' ',
    'a',
    '"',
  ];
  let s = '';
  for (let n = 1 + Math.floor(next() * 20); n > 0; n--) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

describe('Markdown of user code (hover)', () => {
  const next = rng(23);
  const cases = [...HOSTILE, ...Array.from({ length: 300 }, () => randomHostile(next))];
  const flat = (s: string) => s.replace(/\r\n|[\r\n]/g, ' ');

  it('a code span holds any text verbatim: one code_inline token, nothing else', () => {
    for (const code of cases.filter((c) => c.trim() !== '')) {
      const tokens = inlineTokens(markdownCode(code));
      assert.deepEqual(
        tokens.map((t) => t.type),
        ['code_inline'],
        JSON.stringify(code),
      );
      assert.equal(tokens[0].content, flat(code));
    }
  });

  it('escaped prose renders as its own text, with no link, image, HTML or emphasis', () => {
    for (const text of cases.filter((c) => c.trim() !== '')) {
      const tokens = inlineTokens('x ' + escapeMarkdownText(text));
      assert.deepEqual([...new Set(tokens.map((t) => t.type))], ['text'], JSON.stringify(text));
      // (A paragraph's trailing spaces are never rendered.)
      assert.equal(tokens.map((t) => t.content).join(''), ('x ' + flat(text)).trimEnd());
    }
  });

  it('a message renders as text and code only, whatever the quoted code holds', () => {
    for (const code of cases) {
      const message = `\`${code}\` is quoted; \`${code}.readlines()\` too`;
      const tokens = inlineTokens(messageMarkdown(message));
      for (const t of tokens) assert.ok(t.type === 'text' || t.type === 'code_inline', `${t.type} in ${JSON.stringify(message)}`);
    }
  });

  it('leaves ordinary messages as they were', () => {
    const message = '`total` is only summed in this loop; use `sum()` over a generator expression';
    assert.equal(messageMarkdown(message), message);
    assert.equal(
      messageMarkdown('Wrapper `inner` hides the metadata of `f`; add @functools.wraps(f)'),
      'Wrapper `inner` hides the metadata of `f`; add \\@functools.wraps(f)',
    );
  });
});
