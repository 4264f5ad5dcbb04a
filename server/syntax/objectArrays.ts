/**
 * Arrays of objects that V8 always gives the same elements kind (packed, any element). A literal `[]`, a `.map` of an
 * empty array and a spread of one start with the small-integer kind and change kind when the first object goes in; the
 * incremental bookkeeping's helpers (splitEntries, insertSorted, editedSpans, …) get both kinds of array for the same
 * table, and every kind they had not seen sends their optimised code back to the interpreter ("wrong map"), a few times
 * per 200 keystrokes even after thousands (bench/README.md, issue 29). Lists made here have the object kind from the
 * start, empty or not.
 */

/** An empty array of the object elements kind: the kind of a literal holding an object, which emptying keeps. */
export function objectArray<T>(): T[] {
  const list: unknown[] = [null];
  list.pop();
  return list as T[];
}

/**
 * `list.map(f)` into an array of the object elements kind (even when `list` is empty). Also where `f` may return null:
 * `.map` gives a packed array in the interpreter and a holey one once TurboFan inlines it, and the next reader of the
 * array gets both kinds.
 */
export function mapToObjects<T, U>(list: readonly T[], f: (x: T) => U): U[] {
  const out = objectArray<U>();
  for (let k = 0; k < list.length; k++) out.push(f(list[k]));
  return out;
}

/** A copy of a list of objects, of the object elements kind (even when `list` is empty). */
export function copyObjects<T extends object>(list: readonly T[]): T[] {
  const out = objectArray<T>();
  for (let k = 0; k < list.length; k++) out.push(list[k]);
  return out;
}
