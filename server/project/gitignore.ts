// .gitignore support for folder walks (the CLI and the workspace scan): each folder's .gitignore
// applies to the paths below it, as git does. Parsing is the `ignore` package's.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export class GitIgnore {
  private readonly perFolder = new Map<string, Ignore | null>();

  /** `root` is where the walk starts; .gitignore files above it are not consulted. */
  constructor(private readonly root: string) {}

  /** True when a .gitignore in the file's folder or an ancestor (up to root) ignores it. */
  ignores(file: string, isDirectory: boolean): boolean {
    const absolute = path.resolve(file);
    const root = path.resolve(this.root);
    if (!absolute.startsWith(root + path.sep)) return false;
    for (let dir = path.dirname(absolute); dir.startsWith(root); dir = path.dirname(dir)) {
      const rules = this.rulesFor(dir);
      if (rules) {
        const relative = path.relative(dir, absolute).split(path.sep).join('/');
        if (rules.ignores(isDirectory ? `${relative}/` : relative)) return true;
      }
      if (dir === root) break;
    }
    return false;
  }

  private rulesFor(dir: string): Ignore | null {
    let rules = this.perFolder.get(dir);
    if (rules === undefined) {
      const file = path.join(dir, '.gitignore');
      rules = existsSync(file) ? ignore().add(readFileSync(file, 'utf8')) : null;
      this.perFolder.set(dir, rules);
    }
    return rules;
  }
}
