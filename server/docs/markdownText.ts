// Text from the user's code, made safe to put into perflens's Markdown (the hover, which VS Code
// renders as trusted for perflens's own commands). Findings' messages and fix titles quote user code
// in backticks, and that code may itself hold backticks, brackets, HTML or URLs: unescaped, a string
// literal such as "`[x](command:…)`" closes the code span and renders a link that runs a command, and
// "![](https://…)" loads a remote image. Whatever the user's code holds, the Markdown built here
// renders it as text: code spans no content can end early, and prose whose link, image, HTML,
// emphasis and autolink characters are escaped.

/** ASCII punctuation that starts Markdown inline syntax (links, images, HTML, entities, emphasis, tables, strikethrough). */
const INLINE_SYNTAX = /[\\`*_[\]<>!&~|]/g;
/** Autolinks (GFM `https://…`, `www.…`, `a@b.c`) need no brackets: break their trigger instead. */
const AUTOLINK_TRIGGERS = /(:)(?=\/\/)|(?<=\bwww)(\.)|(@)/gi;
/** A line break could end the paragraph (and with it a code span) or start a block (heading, list, HTML block). */
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g;

/** Plain text as Markdown that renders exactly as that text (on one line). */
export function escapeMarkdownText(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(INLINE_SYNTAX, '\\$&').replace(AUTOLINK_TRIGGERS, '\\$&');
}

/**
 * A code span holding `code` verbatim: its fence is one backtick longer than the longest run of
 * backticks inside, so nothing in it can close the span (CommonMark), and it is padded with a space
 * where the code starts or ends with a backtick.
 */
export function markdownCode(code: string): string {
  const flat = code.replace(LINE_BREAKS, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A message written by a rule, as Markdown: the rule puts code in backticks; every other character is
 * text. Split at the backticks, odd pieces are code and even pieces prose. When the quoted code itself
 * held a backtick the pairing shifts, and some code shows as prose or the reverse; either way each
 * piece renders as the literal text it holds, never as a link, an image or HTML.
 */
export function messageMarkdown(message: string): string {
  return (
    message
      .split('`')
      // An empty code piece is two backticks in a row: shown as written.
      .map((piece, i) => (i % 2 === 0 ? escapeMarkdownText(piece) : piece === '' ? '\\`\\`' : markdownCode(piece)))
      .join('')
  );
}
