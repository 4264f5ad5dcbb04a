// A reader for Python's marshal format, limited to the types a pstats file holds (the dict that
// `cProfile`/`pstats.Stats.dump_stats` write: tuples of str, int and float, nested dicts). No npm
// package reads marshal well enough to depend on, and the format is small (CPython's Python/marshal.c).
// Every read is bounds-checked and nesting is capped, so a truncated or hostile file is an error, not a crash.
import { ProfileError } from './types';

/** A marshalled value: tuples, lists and sets as arrays, dicts as key/value pairs (keys are often tuples). */
export type MarshalValue = null | boolean | number | string | Uint8Array | MarshalValue[] | MarshalDict;
export interface MarshalDict {
  dict: [MarshalValue, MarshalValue][];
}

/** Objects written with this bit set are remembered, so a later `r` (reference) can point back at them. */
const FLAG_REF = 0x80;
/** Deeper than any pstats file (dict → tuple → dict → tuple): anything beyond is not one. */
const MAX_DEPTH = 64;

export function readMarshal(bytes: Uint8Array): MarshalValue {
  const reader = new MarshalReader(bytes);
  const value = reader.value(0);
  if (value === undefined) throw new ProfileError('not a marshal file: it starts with a null object');
  return value;
}

export const isDict = (v: MarshalValue | undefined): v is MarshalDict => typeof v === 'object' && v !== null && 'dict' in v;

class MarshalReader {
  private pos = 0;
  private readonly refs: MarshalValue[] = [];
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder('utf-8');
  private readonly latin1 = new TextDecoder('latin1');

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The next value; undefined for TYPE_NULL, which only ends a dict. */
  value(depth: number): MarshalValue | undefined {
    if (depth > MAX_DEPTH) throw new ProfileError('not a profile: values nested too deeply');
    const code = this.byte();
    const remember = (code & FLAG_REF) !== 0;
    const type = String.fromCharCode(code & ~FLAG_REF);
    // A container is registered before its contents are read, as CPython does, so references inside it count right.
    const slot = remember ? this.refs.push(null) - 1 : -1;
    const keep = <T extends MarshalValue>(v: T): T => {
      if (slot >= 0) this.refs[slot] = v;
      return v;
    };
    switch (type) {
      case '0':
        return undefined;
      case 'N':
        return keep(null);
      case 'T':
        return keep(true);
      case 'F':
        return keep(false);
      case 'i':
        return keep(this.int32());
      case 'l':
        return keep(this.long());
      case 'g':
        return keep(this.float64());
      case 'f':
        return keep(Number(this.latin1.decode(this.take(this.byte()))));
      case 's':
        return keep(this.take(this.size()).slice());
      case 'u':
      case 't':
        return keep(this.utf8.decode(this.take(this.size())));
      case 'a':
      case 'A':
        return keep(this.latin1.decode(this.take(this.size())));
      case 'z':
      case 'Z':
        return keep(this.latin1.decode(this.take(this.byte())));
      case '(':
      case '[':
      case '<':
      case '>':
        return this.items(this.size(), depth, keep([]));
      case ')':
        return this.items(this.byte(), depth, keep([]));
      case '{':
        return this.dict(depth, keep({ dict: [] }));
      case 'r': {
        const index = this.int32();
        if (index < 0 || index >= this.refs.length) throw new ProfileError('not a profile: a marshal reference points nowhere');
        return this.refs[index];
      }
      default:
        throw new ProfileError(`not a pstats file: marshal type ${JSON.stringify(type)} at byte ${this.pos - 1} is not one a profile holds`);
    }
  }

  private items(count: number, depth: number, into: MarshalValue[]): MarshalValue[] {
    for (let i = 0; i < count; i++) {
      const item = this.value(depth + 1);
      if (item === undefined) throw new ProfileError('not a profile: a null object inside a tuple');
      into.push(item);
    }
    return into;
  }

  private dict(depth: number, into: MarshalDict): MarshalDict {
    for (;;) {
      const key = this.value(depth + 1);
      if (key === undefined) return into;
      const value = this.value(depth + 1);
      if (value === undefined) throw new ProfileError('not a profile: a dict key without a value');
      into.dict.push([key, value]);
    }
  }

  /** CPython's long: a signed count of 15-bit digits, least significant first. */
  private long(): number {
    const n = this.int32();
    let value = 0;
    for (let i = 0, scale = 1; i < Math.abs(n); i++, scale *= 32768) value += this.uint16() * scale;
    return n < 0 ? -value : value;
  }

  /** A length or count: never more than the bytes left (each item takes at least one), so a corrupt count cannot allocate gigabytes. */
  private size(): number {
    const n = this.int32();
    if (n < 0 || n > this.bytes.length - this.pos) throw new ProfileError('not a profile, or truncated: a length runs past the end of the file');
    return n;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new ProfileError('the pstats file is truncated');
  }

  private byte(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  private uint16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  private int32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private float64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  private take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
