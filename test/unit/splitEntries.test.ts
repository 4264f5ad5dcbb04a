// server/engine/incremental.ts splitEntries: the carried fact tables (comments, functions, imports, suppressions) split
// around a keystroke's region. Entries that end before every change and span keep their place without being read
// again (a binary search over a disjoint table): the answer is the full pass's, on random tables and edits.
import * as assert from 'node:assert/strict';
import { splitEntries, type TextChange } from '../../server/engine/incremental';

interface Entry {
  start: number;
  end: number;
  id: number;
}

/** The full pass splitEntries made before it skipped the untouched prefix (one change or several). */
function reference(list: readonly Entry[], changes: readonly TextChange[], spans: readonly { start: number; end: number }[]) {
  const map = (o: number): number | null => {
    let x = o;
    for (const c of changes) {
      if (x < c.start) continue;
      if (x > c.oldEnd) x += c.newEnd - c.oldEnd;
      else return null;
    }
    return x;
  };
  const kept: Entry[] = [];
  const dropped: number[] = [];
  for (const x of list) {
    const start = map(x.start);
    const end = map(x.end);
    if (start === null || end === null || spans.some((s) => s.end > start && s.start < Math.max(end, start + 1))) dropped.push(x.id);
    else kept.push({ start, end, id: x.id });
  }
  return { kept, dropped };
}

/** A seeded generator (the failures repeat). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** Disjoint entries sorted by start (comments), or nested ones (defs inside defs, sorted by start). */
function table(rand: () => number, disjoint: boolean): Entry[] {
  const out: Entry[] = [];
  let at = 0;
  for (let id = 0; id < 200; id++) {
    at += 1 + Math.floor(rand() * 30);
    const length = disjoint ? Math.floor(rand() * 20) : Math.floor(rand() * 400);
    out.push({ start: at, end: at + length, id });
    if (disjoint) at += length;
  }
  return out;
}

describe('splitEntries: the carried tables split around a region', () => {
  it('gives the full pass’s kept and dropped entries, on random disjoint and nested tables, one change or two', () => {
    const rand = random(29);
    for (let round = 0; round < 400; round++) {
      const disjoint = round % 2 === 0;
      const list = table(rand, disjoint);
      const size = list[list.length - 1].end + 50;
      const changes: TextChange[] = [];
      for (let n = round % 3 === 0 ? 2 : 1; n > 0; n--) {
        const start = Math.floor(rand() * size);
        const oldEnd = start + Math.floor(rand() * 4);
        changes.push({ start, oldEnd, newEnd: start + Math.floor(rand() * 4) });
      }
      const spans = Array.from({ length: Math.floor(rand() * 3) }, () => {
        const start = Math.floor(rand() * size);
        return { start, end: start + Math.floor(rand() * 60) };
      }).sort((a, b) => a.start - b.start);
      const expected = reference(list, changes, spans);
      const { kept, dropped } = splitEntries(
        list.map((x) => ({ ...x })),
        changes,
        spans,
        disjoint,
      );
      assert.deepEqual(kept, expected.kept, `round ${round}`);
      assert.deepEqual(
        dropped.map((x) => x.id),
        expected.dropped,
        `round ${round}`,
      );
    }
  });

  it('reads none of a disjoint table’s entries before the edit but the binary search’s', () => {
    let reads = 0;
    const list = Array.from({ length: 1000 }, (_, k) => {
      const entry = { start: 0, end: 0 };
      let start = 10 * k;
      let end = 10 * k + 5;
      Object.defineProperty(entry, 'start', {
        get: () => (reads++, start),
        set: (v: number) => (start = v),
      });
      Object.defineProperty(entry, 'end', {
        get: () => (reads++, end),
        set: (v: number) => (end = v),
      });
      return entry;
    });
    // A letter typed in the last entry's line, and that line the region.
    const { kept, dropped } = splitEntries(list, [{ start: 9993, oldEnd: 9993, newEnd: 9994 }], [{ start: 9990, end: 9996 }], true);
    assert.equal(kept.length, 999);
    assert.equal(dropped.length, 1);
    assert.ok(reads < 100, `${reads} reads of 1,000 entries`);
  });
});
