/**
 * A table of answers keyed by the source text they were read from, kept across lints and bounded by the characters it
 * holds, not only by its entries: a count alone let 2,048 statements of up to 16 kB each (tens of MB) stay alive for the
 * server's lifetime. When an entry would take the table over either bound, the table is emptied first (as the word index
 * is): the next lints read from the tree again and fill it with what they use.
 */
export class TextMemo<V> {
  private readonly entries = new Map<string, V>();
  private held = 0;

  /**
   * maxEntries and maxChars bound the table; sizeOf is a value's weight in characters (its strings and arrays beside the
   * key's own length), so a key with a large answer counts as more than its text.
   */
  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Keeps value under key, unless the pair alone is over the character bound. The key must be an owned copy. */
  set(key: string, value: V): void {
    const weight = key.length + this.sizeOf(value);
    if (weight > this.maxChars) return;
    const old = this.entries.get(key);
    if (old !== undefined) this.held -= key.length + this.sizeOf(old);
    else if (this.entries.size >= this.maxEntries || this.held + weight > this.maxChars) this.clear();
    this.entries.set(key, value);
    this.held += weight;
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  /** The characters the table holds (its keys and its values' weights): tests. */
  get chars(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }
}
