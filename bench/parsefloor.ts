// The throughput floor: what the CLI's run would cost if linting were free. Reads, decodes and
// parses every file of a list with web-tree-sitter on as many worker threads as the CLI uses, and
// nothing else (no queries, no rules). The benchmark times this process from spawn to exit, as it
// times the CLI, so the figure is a lower bound for the CLI's wall time on the same files:
//   node parsefloor.js <file-list.json> <threads> <folder with the .wasm files, e.g. dist> [walk]
// With `walk`, each tree also gets one query pass with a single pattern that matches only the root:
// the least any query-based rule set can cost, since tree-sitter's query cursor visits every node.
import { readFileSync, statSync } from 'node:fs';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { loadPython, PythonParser, Query } from '../server/syntax/parser';
import { decodeSource } from '../server/project/sourceFile';

interface FloorWork {
  files: string[];
  /** One Int32: the index of the next file to take, shared by every worker. */
  next: SharedArrayBuffer;
  wasmDir: string;
  /** Also run one near-empty query pass over each tree. */
  walk: boolean;
}

async function parseShare({ files, next, wasmDir, walk }: FloorWork): Promise<void> {
  const parser = new PythonParser(await loadPython(wasmDir));
  const query = walk ? new Query(parser.language, '(module) @root') : null;
  const counter = new Int32Array(next);
  for (let i = Atomics.add(counter, 0, 1); i < files.length; i = Atomics.add(counter, 0, 1)) {
    let text: string;
    try {
      text = decodeSource(readFileSync(files[i])).text;
    } catch {
      continue; // unreadable: the CLI skips it too
    }
    const tree = parser.parse(text);
    query?.matches(tree.rootNode);
    tree.delete();
  }
  query?.delete();
  parser.dispose();
}

async function main(): Promise<void> {
  const files = JSON.parse(readFileSync(process.argv[2], 'utf8')) as string[];
  const threads = Math.max(1, Number(process.argv[3] ?? 1));
  // Biggest first, as the CLI's pool orders them, so no thread ends with one big file alone.
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  const sizes = new Map(files.map((f) => [f, size(f)]));
  const work: FloorWork = {
    files: [...files].sort((a, b) => sizes.get(b)! - sizes.get(a)!),
    next: new SharedArrayBuffer(4),
    wasmDir: process.argv[4] ?? __dirname,
    walk: process.argv[5] === 'walk',
  };
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(__filename, { workerData: work });
          worker.on('error', reject);
          worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a parse worker exited with code ${code}`))));
        }),
    ),
  );
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error);
    process.exit(2);
  });
} else {
  void parseShare(workerData as FloorWork);
}
