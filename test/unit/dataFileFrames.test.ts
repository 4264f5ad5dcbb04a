// A frame read from a data file that ships with the project (analysis/dataFiles.ts): the file is counted on disk, and a
// frame of at most 1,000 rows is a small frame for the pandas rules (review19: a teaching notebook's ten-row
// car-sales CSV behind `.apply(lambda ...)`, judged noise). A missing file, a computed path, a URL or a large file is
// unknown: the rules rank as before.
import * as assert from 'node:assert/strict';
import { rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { countedLines, DATA_FILE_BYTES, nonBlankLines } from '../../server/analysis/dataFiles';
import type { FileProbe } from '../../server/analysis/codeContext';
import type { Finding } from '../../common/types';
import { NODE_FILES } from '../../server/project/fileProbe';
import { getEngine, tempRepository } from '../helpers/engine';

/** A CSV with a header line and `rows` data lines. */
function csv(rows: number): string {
  const lines = ['make,colour,odometer,price'];
  for (let i = 0; i < rows; i++) lines.push(`Toyota,White,${150_000 + i},${4000 + i}`);
  return lines.join('\n') + '\n';
}

/** NODE_FILES, counting the texts it reads. */
function countingProbe(): { probe: FileProbe; reads: string[] } {
  const reads: string[] = [];
  return { reads, probe: { ...NODE_FILES, readText: (p) => (reads.push(p), NODE_FILES.readText!(p)) } };
}

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function repository(files: Record<string, string>): string {
  const top = tempRepository(files, 'perflens-data-');
  made.push(top);
  return top;
}

async function lint(rule: string, top: string, file: string, projectRoot?: string) {
  const engine = await getEngine();
  const filePath = path.join(top, file);
  const text = NODE_FILES.readText!(filePath)!;
  const options = { select: [rule], filePath, impact: 'auto' as const, keepHints: true, ...(projectRoot ? { projectRoot } : {}) };
  return engine.lintText(text, options).findings.filter((f) => f.ruleId === rule);
}

const LESSON = `import pandas as pd

cars = pd.read_csv(PATH)
cars["Odometer"] = cars["Odometer"].apply(lambda km: km / 1.6)
`;

function lesson(pathExpression: string, prelude = ''): string {
  return prelude + LESSON.replace('PATH', pathExpression);
}

/**
 * A near miss: the finding does not give a small shipped file as its reason. pandas-apply-simple-lambda is a hint outside
 * hot code wherever its frame comes from (issue 24), so the reason, not the severity, is what the small file changes.
 */
function notFromSmallFile(f: Finding | undefined, label?: string): void {
  assert.ok(f, label);
  assert.doesNotMatch((f.impact?.reasons ?? []).join(';'), /is read from/, label);
}

describe('data files: counting rows', () => {
  it('counts non-blank lines whatever the line ends', () => {
    assert.equal(nonBlankLines('a,b\n1,2\r\n3,4\r5,6\n\n  \n'), 4);
    assert.equal(nonBlankLines(''), 0);
  });

  it('counts a quoted field spanning lines once per line: an overcount, never an undercount', () => {
    // Two records; the first has a note written over three lines.
    const text = 'id,note\n1,"first line\nsecond line\nthird line"\n2,plain\n';
    assert.equal(nonBlankLines(text), 5);
  });

  it('never reads a file over the cap, and knows nothing of it', () => {
    const top = repository({ 'data/big.csv': 'x\n'.repeat(DATA_FILE_BYTES / 2 + 10) });
    const { probe, reads } = countingProbe();
    assert.equal(countedLines(path.join(top, 'data/big.csv'), probe), null);
    assert.deepEqual(reads, []);
  });

  it('is null for a missing file and for a host without a file system', () => {
    const top = repository({});
    assert.equal(countedLines(path.join(top, 'data/none.csv'), NODE_FILES), null);
    assert.equal(countedLines(path.join(top, 'data/none.csv'), { exists: () => false, fileSize: () => null }), null);
  });

  it('reads a file once while its size and modification time stay the same, and again when it changes', () => {
    const top = repository({ 'data/cars.csv': csv(3) });
    const file = path.join(top, 'data/cars.csv');
    const { probe, reads } = countingProbe();
    assert.equal(countedLines(file, probe), 4);
    assert.equal(countedLines(file, probe, Date.now() + 60_000), 4);
    assert.equal(reads.length, 1);
    writeFileSync(file, csv(5));
    const later = new Date(statSync(file).mtimeMs + 5000);
    utimesSync(file, later, later);
    assert.equal(countedLines(file, probe), 6);
    assert.equal(reads.length, 2);
  });
});

describe('data files: a frame read from a small file that ships with the project', () => {
  it('makes apply over a ten-row CSV a hint, with the file and its rows in the ranking', async () => {
    const top = repository({ 'data/cars.csv': csv(10), 'notebooks/lesson.py': lesson('"../data/cars.csv"') });
    const [f] = await lint('pandas-apply-simple-lambda', top, 'notebooks/lesson.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons.join(';'), /`cars` is read from data\/cars\.csv: 10 rows/);
  });

  it('does not count a file of more than 1,000 rows as small (near miss)', async () => {
    const top = repository({ 'data/cars.csv': csv(1001), 'notebooks/lesson.py': lesson('"../data/cars.csv"') });
    const [f] = await lint('pandas-apply-simple-lambda', top, 'notebooks/lesson.py');
    notFromSmallFile(f);
  });

  it('counts 1,000 rows as small, with the header not counted', async () => {
    const top = repository({ 'data/cars.csv': csv(1000), 'notebooks/lesson.py': lesson('"../data/cars.csv"') });
    const [f] = await lint('pandas-apply-simple-lambda', top, 'notebooks/lesson.py');
    assert.equal(f?.severity, 'hint');
  });

  it('does not count a missing file, a URL or a file over the cap as small (near misses)', async () => {
    const top = repository({
      'data/huge.csv': csv(20_000),
      'notebooks/a.py': lesson('"data/missing.csv"'),
      'notebooks/b.py': lesson('"https://example.org/data/cars.csv"'),
      'notebooks/c.py': lesson('"data/huge.csv"'),
    });
    for (const file of ['notebooks/a.py', 'notebooks/b.py', 'notebooks/c.py']) {
      const [f] = await lint('pandas-apply-simple-lambda', top, file);
      notFromSmallFile(f, file);
    }
  });

  it('resolves a module constant, an f-string of constants, os.path.join and Path / of literals', async () => {
    const top = repository({
      'data/cars.csv': csv(12),
      'notebooks/a.py': lesson('DATA', 'DATA = "data/cars.csv"\n'),
      'notebooks/b.py': lesson('f"{FOLDER}/cars.csv"', 'FOLDER = "data"\n'),
      'notebooks/c.py': lesson('os.path.join("data", "cars.csv")', 'import os\n'),
      'notebooks/d.py': lesson('Path("data") / "cars.csv"', 'from pathlib import Path\n'),
    });
    for (const file of ['notebooks/a.py', 'notebooks/b.py', 'notebooks/c.py', 'notebooks/d.py']) {
      const [f] = await lint('pandas-apply-simple-lambda', top, file);
      assert.equal(f?.severity, 'hint', file);
      assert.match(f!.impact!.reasons.join(';'), /read from data\/cars\.csv: 12 rows/, file);
    }
  });

  it('tries the project top folder when the file folder does not have the file', async () => {
    const top = repository({ 'data/cars.csv': csv(8), 'notebooks/clean.py': lesson('"data/cars.csv"') });
    const [f] = await lint('pandas-apply-simple-lambda', top, 'notebooks/clean.py');
    assert.equal(f?.severity, 'hint');
  });

  it('without a project marker, tries the folder the host was asked to check', async () => {
    const top = repository({ 'data/cars.csv': csv(8), 'notebooks/clean.py': lesson('"data/cars.csv"') });
    rmSync(path.join(top, '.git'), { recursive: true });
    const [f] = await lint('pandas-apply-simple-lambda', top, 'notebooks/clean.py', top);
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons.join(';'), /read from data\/cars\.csv: 8 rows/);
    // Near miss: without either, the path is looked up beside the file only.
    const [g] = await lint('pandas-apply-simple-lambda', top, 'notebooks/clean.py');
    notFromSmallFile(g);
  });

  it('follows a notebook rebinding its table with steps that keep or drop rows', async () => {
    const prelude = '';
    const src = lesson('"../data/cars.csv"', prelude).replace(
      'cars["Odometer"] =',
      'cars = cars.drop("Colour", axis=1)\ncars = cars[cars["Doors"] > 2].reset_index()\ncars["Odometer"] =',
    );
    const top = repository({ 'data/cars.csv': csv(10), 'notebooks/lesson.py': src });
    const [f] = await lint('pandas-apply-simple-lambda', top, 'notebooks/lesson.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons.join(';'), /read from data\/cars\.csv: 10 rows/);
  });

  it('does not follow a rebinding that can add rows, or one under an if (near misses)', async () => {
    const merged = lesson('"../data/cars.csv"').replace('cars["Odometer"] =', 'cars = cars.merge(pd.read_csv(OTHER), on="make")\ncars["Odometer"] =');
    const branched = lesson('"../data/cars.csv"').replace('cars["Odometer"] =', 'if len(cars) < 5:\n    cars = cars.dropna()\ncars["Odometer"] =');
    const top = repository({ 'data/cars.csv': csv(10), 'notebooks/merged.py': merged, 'notebooks/branched.py': branched });
    const [f] = await lint('pandas-apply-simple-lambda', top, 'notebooks/merged.py');
    notFromSmallFile(f);
    const [g] = await lint('pandas-apply-simple-lambda', top, 'notebooks/branched.py');
    notFromSmallFile(g);
  });

  it('does not take a name bound twice, or an f-string with a runtime value, as the path (near misses)', async () => {
    const top = repository({
      'data/cars.csv': csv(8),
      'notebooks/a.py': lesson('DATA', 'import sys\nDATA = "data/cars.csv"\nif len(sys.argv) > 1:\n    DATA = sys.argv[1]\n'),
      'notebooks/b.py': lesson('f"data/{name}.csv"', 'import sys\nname = sys.argv[1]\n'),
    });
    for (const file of ['notebooks/a.py', 'notebooks/b.py']) {
      const [f] = await lint('pandas-apply-simple-lambda', top, file);
      notFromSmallFile(f, file);
    }
  });

  it('does not count a reader of chunks, nor a JSON file without lines=True (near misses)', async () => {
    const top = repository({
      'data/cars.csv': csv(8),
      'data/cars.json': '{"price": 1}\n{"price": 2}\n',
      'notebooks/a.py': lesson('"data/cars.csv", chunksize=2'),
      'notebooks/b.py': lesson('"data/cars.json"').replace('read_csv', 'read_json'),
      'notebooks/c.py': lesson('"data/cars.json", lines=True').replace('read_csv', 'read_json'),
    });
    const [a] = await lint('pandas-apply-simple-lambda', top, 'notebooks/a.py');
    notFromSmallFile(a);
    const [b] = await lint('pandas-apply-simple-lambda', top, 'notebooks/b.py');
    notFromSmallFile(b);
    const [c] = await lint('pandas-apply-simple-lambda', top, 'notebooks/c.py');
    assert.equal(c?.severity, 'hint');
    assert.match(c!.impact!.reasons.join(';'), /read from data\/cars\.json: 2 rows/);
  });

  it('makes a groupby apply over a small file a hint, and keeps it over a large one (near miss)', async () => {
    const src = 'import pandas as pd\n\nsales = pd.read_csv("data/sales.csv")\nmeans = sales.groupby("make")["price"].apply(lambda g: g.mean())\n';
    const small = repository({ 'data/sales.csv': csv(40), 'notebooks/report.py': src });
    const [f] = await lint('pandas-groupby-apply-transform', small, 'notebooks/report.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons.join(';'), /`sales` is read from data\/sales\.csv: 40 rows/);
    const large = repository({ 'data/sales.csv': csv(5000), 'notebooks/report.py': src });
    const [g] = await lint('pandas-groupby-apply-transform', large, 'notebooks/report.py');
    assert.notEqual(g?.severity, 'hint');
  });

  it('does not count a row loop over a small file read in a function as a pass over a data set', async () => {
    const src = (file: string) =>
      `import pandas as pd\n\n\nclass Labels:\n    def __init__(self):\n        df = pd.read_csv("${file}")\n        self.items = [row.to_dict() for i, row in df.iterrows()]\n`;
    const top = repository({
      'data/labels.csv': csv(30),
      'data/all.csv': csv(3000),
      'notebooks/small.py': src('data/labels.csv'),
      'notebooks/large.py': src('data/all.csv'),
    });
    const [small] = await lint('pandas-iterrows', top, 'notebooks/small.py');
    assert.equal(small?.severity, 'hint');
    // Near miss: the same loop over a file of thousands of rows is the data set's every row.
    const [large] = await lint('pandas-iterrows', top, 'notebooks/large.py');
    assert.equal(large?.severity, 'warning');
  });
});
