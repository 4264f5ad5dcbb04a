// `perflens check --profile FILE`: reads the profiles, matches their files to the checked ones, and gives each
// finding the profile's verdict (server/profiles/), so the output can put hot findings first.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describeMatch, functionSpans, matchFiles, MAX_PROFILE_BYTES, ProfileError, profileFindings, readProfile, type ProfileIndex } from '../server/profiles';
import { decodeSource } from '../server/project/sourceFile';
import { loadPython, PythonParser } from '../server/syntax/parser';
import type { FileReport } from './check';

export interface LoadedProfile {
  /** The path as given on the command line. */
  file: string;
  index: ProfileIndex;
}

/** Reads each profile; the first one that cannot be read is an error message for the user (exit 2). */
export function loadProfiles(files: readonly string[]): LoadedProfile[] | string {
  const out: LoadedProfile[] = [];
  for (const file of files) {
    try {
      const size = statSync(file).size;
      if (size > MAX_PROFILE_BYTES) return `${file}: the profile is larger than ${MAX_PROFILE_BYTES / 1024 / 1024} MB`;
      out.push({ file, index: readProfile(readFileSync(file)) });
    } catch (error) {
      if (error instanceof ProfileError) return `${file}: ${error.message}`;
      const code = (error as NodeJS.ErrnoException).code;
      return `${file}: cannot read the profile (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`;
    }
  }
  return out;
}

/**
 * Each report's findings with the verdict of the first profile that covers its file (in the order given), and
 * per profile a line saying how much of it matched. Files are re-read and parsed for their functions' ranges
 * only when they have findings and a profile names them.
 */
export async function applyProfiles(reports: FileReport[], profiles: readonly LoadedProfile[]): Promise<{ reports: FileReport[]; notes: string[] }> {
  const files = reports.map((r) => path.resolve(r.file));
  const matches = profiles.map((p) => matchFiles(p.index.files.keys(), files));
  const notes = profiles.map((p, i) => describeMatch(p.file, matches[i]));
  let parser: PythonParser | undefined;
  const out: FileReport[] = [];
  for (const [i, report] of reports.entries()) {
    const lines = report.lines;
    if (!lines || report.findings.length === 0 || report.notebook) {
      out.push(report);
      continue;
    }
    const which = matches.findIndex((m) => m.byWorkspaceFile.has(files[i]));
    const profile = profiles[Math.max(0, which)];
    const source = { index: profile.index, label: profile.index.format };
    const lineOf = (offset: number) => lines.positionAt(offset).line + 1;
    if (which < 0) {
      out.push({ ...report, findings: profileFindings(report.findings, lineOf, [], undefined, source) });
      continue;
    }
    let text: string;
    try {
      text = decodeSource(readFileSync(files[i])).text;
    } catch {
      out.push(report); // gone or changed since it was checked: no verdict rather than a wrong one
      continue;
    }
    parser ??= new PythonParser(await loadPython(__dirname));
    const tree = parser.parse(text);
    try {
      const profiled = profile.index.files.get(matches[which].byWorkspaceFile.get(files[i])!);
      out.push({ ...report, findings: profileFindings(report.findings, lineOf, functionSpans(tree), profiled, source) });
    } finally {
      tree.delete(); // WASM memory is not garbage-collected
    }
  }
  parser?.dispose();
  return { reports: out, notes };
}
