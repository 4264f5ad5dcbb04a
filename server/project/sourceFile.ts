import { TextDecoder } from 'node:util';

// Turning bytes on disk into text the engine can lint, with a clear reason when that is not possible.

export interface DecodedSource {
  text: string;
  /** The file started with a UTF-8 byte-order mark (kept when a fix writes the file back). */
  bom: boolean;
  /** The encoding used; fixes are only written back to UTF-8 files. */
  encoding: string;
}

export class UnreadableSource extends Error {}

/** PEP 263: a coding declaration in a comment on line 1 or 2. */
const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** The bytes start with a UTF-8 byte-order mark. */
export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

export function decodeSource(bytes: Uint8Array): DecodedSource {
  const bom = hasUtf8Bom(bytes);
  const body = bom ? bytes.subarray(3) : bytes;
  if (body.includes(0)) throw new UnreadableSource('contains NUL bytes (binary file?)');
  const declared = declaredEncoding(body);
  const encoding = declared && !isUtf8Name(declared) ? whatwgLabel(declared) : 'utf-8';
  if (bom && encoding !== 'utf-8') throw new UnreadableSource(`has a UTF-8 BOM but declares coding ${declared}`);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  } catch {
    throw new UnreadableSource(`declares an encoding this tool cannot read: ${declared}`);
  }
  try {
    return { text: decoder.decode(body), bom, encoding };
  } catch {
    throw new UnreadableSource(`is not valid ${encoding === 'utf-8' ? 'UTF-8' : encoding} (declare the file's encoding with a coding comment, PEP 263)`);
  }
}

/**
 * A codec name as Python's codec lookup reads it (encodings.normalize_encoding): lower case, each run of
 * punctuation or spaces one `_`, none at the ends. So `utf- 8`, from a `# - *- coding: utf- 8 - *-` line
 * that Python runs as UTF-8 (the declaration's name stops at the space: `utf-`), is `utf`.
 */
function pythonCodecKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Python's names for UTF-8: `utf-8` and its `-sig`/`-…` variants, and the aliases `utf8`, `utf`, `u8`. */
function isUtf8Name(name: string): boolean {
  const key = pythonCodecKey(name);
  return key === 'utf' || key === 'u8' || /^utf_?8(?:_.*)?$/.test(key);
}

/** Python codec names that differ from the WHATWG labels TextDecoder understands. */
const PYTHON_CODEC_ALIASES: Record<string, string> = {
  'latin-1': 'latin1',
  latin: 'latin1',
  'iso8859-1': 'latin1',
  'iso-8859-1': 'latin1',
  l1: 'latin1',
  cp1252: 'windows-1252',
  'iso8859-15': 'iso-8859-15',
  cp1251: 'windows-1251',
  euc_jp: 'euc-jp',
  shift_jis: 'shift_jis',
  gb2312: 'gbk',
};

function whatwgLabel(pythonName: string): string {
  const name = pythonName.toLowerCase().replace(/_/g, '-');
  return PYTHON_CODEC_ALIASES[name] ?? PYTHON_CODEC_ALIASES[pythonName.toLowerCase()] ?? name;
}

function declaredEncoding(bytes: Uint8Array): string | undefined {
  // The declaration is ASCII, so reading the first two lines as latin1 is exact enough.
  const head = Buffer.from(bytes.subarray(0, 400))
    .toString('latin1')
    .split(/\r\n|\r|\n/, 2);
  for (const line of head) {
    const m = CODING.exec(line);
    if (m) return m[1];
    if (!/^[ \t\f]*(#.*)?$/.test(line)) break; // only comment or blank lines may precede it
  }
  return undefined;
}

export function encodeSource(text: string, source: DecodedSource): Buffer {
  if (source.encoding !== 'utf-8') throw new UnreadableSource(`cannot write ${source.encoding} files`);
  const body = Buffer.from(text, 'utf8');
  return source.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}
