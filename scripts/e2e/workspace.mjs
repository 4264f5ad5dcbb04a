// The editor tests work on a throwaway copy of examples/, so the repository's files are never modified.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from './tools.mjs';

/** Copies examples/ to a new temp folder; returns its path and a function that deletes it. */
export function exampleWorkspace() {
  const parent = mkdtempSync(path.join(tmpdir(), 'perflens-e2e-'));
  // A folder named like the original keeps the window title and Explorer readable ("examples").
  const dir = path.join(parent, 'examples');
  cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
  return { dir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
