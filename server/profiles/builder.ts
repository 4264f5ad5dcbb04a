// Accumulates raw weights (samples, microseconds, seconds) per file, line and function, then turns them into
// shares of the whole run: the readers only say where time went, this says how much that is.
import type { ProfiledFile, ProfileFormat, ProfileIndex, Share } from './types';

interface RawFile {
  lines: Map<number, Share>;
  functions: Map<string, { name: string; defLine?: number; share: Share }>;
}

export class ProfileBuilder {
  private readonly files = new Map<string, RawFile>();

  private file(path: string): RawFile {
    let f = this.files.get(path);
    if (!f) this.files.set(path, (f = { lines: new Map(), functions: new Map() }));
    return f;
  }

  addLine(path: string, line: number, self: number, total: number): void {
    const lines = this.file(path).lines;
    const share = lines.get(line) ?? { self: 0, total: 0 };
    share.self += self;
    share.total += total;
    lines.set(line, share);
  }

  addFunction(path: string, name: string, defLine: number | undefined, self: number, total: number, own = total): void {
    const functions = this.file(path).functions;
    const key = `${name}:${defLine ?? ''}`;
    const f = functions.get(key) ?? { name, defLine, share: { self: 0, total: 0, own: 0 } };
    f.share.self += self;
    f.share.total += total;
    f.share.own! += own;
    functions.set(key, f);
  }

  /** Every weight divided by the run's whole weight (a profile with no weight at all says so). */
  build(format: ProfileFormat, unit: ProfileIndex['unit'], whole: number): ProfileIndex {
    const files = new Map<string, ProfiledFile>();
    const scale = whole > 0 ? 1 / whole : 0;
    const fraction = (w: number) => Math.min(1, Math.max(0, w * scale));
    const share = (s: Share): Share => ({ self: fraction(s.self), total: fraction(s.total), ...(s.own !== undefined ? { own: fraction(s.own) } : {}) });
    for (const [path, raw] of this.files) {
      files.set(path, {
        lines: new Map([...raw.lines].map(([line, s]) => [line, share(s)])),
        functions: [...raw.functions.values()].map((f) => ({ name: f.name, defLine: f.defLine, share: share(f.share) })),
      });
    }
    return { format, unit, files };
  }
}

/** A non-negative finite number, or 0: profiles from other tools are data, not trusted. */
export const weight = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** A 1-based line number, or undefined. */
export const lineNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/** Comprehensions and lambdas are code of the function they are written in (Python 3.11 and older profile them apart). */
export const isInlineCode = (name: string): boolean => /^<(listcomp|dictcomp|setcomp|genexpr|lambda)>$/.test(name);
