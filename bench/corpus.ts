// The benchmark corpora: the CPython standard library (with Ruff's default excludes, like
// `perflens check`) and files made by concatenating whole stdlib modules (as deps.md did).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverFiles } from '../server/project/discovery';
import { decodeSource } from '../server/project/sourceFile';
import type { Engine } from '../server/engine/engine';

/** Ruff's rule families closest to perflens (deps.md §3). */
export const RUFF_SELECT = ['PERF', 'FURB', 'SIM', 'C4', 'PD', 'NPY', 'UP', 'B', 'ASYNC'];

export function stdlibDir(): string {
  if (process.env.PERFLENS_BENCH_STDLIB) return process.env.PERFLENS_BENCH_STDLIB;
  return execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_path("stdlib"))'], { encoding: 'utf8' }).trim();
}

export function stdlibFiles(): string[] {
  return discoverFiles([stdlibDir()]).files;
}

/** Every `step`-th stdlib file, parsed (a file that does not decode is left out); the caller deletes the trees. */
export function parsedStdlibSample(engine: Engine, step: number): ReturnType<Engine['parse']>[] {
  const trees: ReturnType<Engine['parse']>[] = [];
  stdlibFiles().forEach((file, i) => {
    if (i % step !== 0) return;
    try {
      trees.push(engine.parse(decodeSource(readFileSync(file)).text));
    } catch {
      // Undecodable files (the stdlib's encoding tests) are not part of the sample.
    }
  });
  return trees;
}

export function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.length > 0 && text.charCodeAt(text.length - 1) !== 10 ? n + 1 : n;
}

/** Whole stdlib modules that parse with Python's own parser, concatenated to at least `lines` lines. */
export function concatenated(lines: number): string {
  const dir = stdlibDir();
  const modules = [
    'typing',
    'argparse',
    'inspect',
    'dataclasses',
    'functools',
    'enum',
    'subprocess',
    'tarfile',
    'pathlib',
    'shutil',
    'threading',
    'logging/__init__',
    'asyncio/base_events',
    'asyncio/tasks',
    'collections/__init__',
    'zipfile/__init__',
    'email/message',
    'http/client',
    'urllib/request',
    'json/decoder',
    'ast',
    'pickle',
    'statistics',
    'decimal',
  ];
  const parts: string[] = [];
  let total = 0;
  for (const m of modules) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, `${m}.py`), 'utf8');
    } catch {
      continue;
    }
    parts.push(text.endsWith('\n') ? text : text + '\n');
    total += countLines(text);
    if (total >= lines) break;
  }
  return parts.join('');
}
