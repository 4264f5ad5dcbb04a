// Loaded profiles, one per workspace folder (Load Profile… in the client): each lint of a file the profile
// covers gives its findings the profile's verdict (server/profiles/), shown in the message, hover and severity.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ClearProfileParams, LoadProfileParams, LoadProfileResult } from '../../common/protocol';
import type { Finding } from '../../common/types';
import {
  describeMatch,
  functionSpans,
  matchFiles,
  MAX_PROFILE_BYTES,
  ProfileError,
  profileFindings,
  reportedWithProfile,
  profileTag,
  readProfile,
  type FileMatch,
  type ProfileIndex,
  type ProfileSource,
} from '../profiles';
import type { Tree } from '../syntax/parser';

interface FolderProfile {
  /** The folder's URI, ending in `/`. */
  folder: string;
  index: ProfileIndex;
  match: FileMatch;
  source: ProfileSource;
}

export class WorkspaceProfiles {
  private readonly byFolder = new Map<string, FolderProfile>();

  get size(): number {
    return this.byFolder.size;
  }

  /** Reads and matches a profile; throws ProfileError with the reason when it is not one. */
  load(params: LoadProfileParams): LoadProfileResult {
    // base64 is 4 characters per 3 bytes: refuse before decoding a file over the limit.
    if (params.data.length > (MAX_PROFILE_BYTES / 3) * 4 + 4) throw new ProfileError(`${params.name}: larger than ${MAX_PROFILE_BYTES / 1024 / 1024} MB`);
    let index: ProfileIndex;
    try {
      index = readProfile(fromBase64(params.data));
    } catch (error) {
      if (error instanceof ProfileError) throw new ProfileError(`${params.name}: ${error.message}`);
      throw error;
    }
    const folder = withSlash(params.folder);
    const match = matchFiles(index.files.keys(), params.files);
    const date = params.modified ? new Date(params.modified).toISOString().slice(0, 10) : undefined;
    const label = [index.format, params.name, date].filter(Boolean).join(', ');
    this.byFolder.set(folder, { folder, index, match, source: { index, label } });
    return { message: `${describeMatch(params.name, match)} (${index.format})`, matched: match.byWorkspaceFile.size };
  }

  clear(params: ClearProfileParams): number {
    if (!params.folder) {
      const n = this.byFolder.size;
      this.byFolder.clear();
      return n;
    }
    return this.byFolder.delete(withSlash(params.folder)) ? 1 : 0;
  }

  /**
   * The findings with the verdict of the profile loaded for the document's folder (unchanged when there is none).
   * `tree` gives the functions' ranges; without one (a large document linted elsewhere) only line data ranks.
   */
  annotate(document: TextDocument, findings: Finding[], tree: Tree | null): Finding[] {
    if (this.byFolder.size === 0 || findings.length === 0) return findings;
    const profile = this.profileFor(document.uri);
    if (!profile) return findings;
    const relative = decodeURIComponent(document.uri.slice(profile.folder.length));
    const file = profile.match.byWorkspaceFile.get(relative);
    const profiled = file === undefined ? undefined : profile.index.files.get(file);
    // Without a tree (a large document linted in the worker) a function-level profile cannot place a finding:
    // no verdict rather than a wrong one.
    if (profiled && !tree && profiled.lines.size === 0) return reportedWithProfile(findings);
    const lineOf = (offset: number) => document.positionAt(offset).line + 1;
    return profileFindings(findings, lineOf, profiled && tree ? functionSpans(tree) : [], profiled, profile.source);
  }

  /** A profile is loaded for the document's folder: its lint keeps the hints the profile may raise (LintOptions.keepHints). */
  covers(uri: string): boolean {
    return this.byFolder.size > 0 && this.profileFor(uri) !== undefined;
  }

  private profileFor(uri: string): FolderProfile | undefined {
    let best: FolderProfile | undefined;
    for (const p of this.byFolder.values()) if (uri.startsWith(p.folder) && (!best || p.folder.length > best.folder.length)) best = p;
    return best;
  }
}

/** The diagnostic message with the measured share: "… [hot: 38 % of samples on these lines]". */
export function messageWithProfile(finding: Finding): string {
  const tag = finding.profile ? profileTag(finding.profile) : '';
  return tag ? `${finding.message} ${tag}` : finding.message;
}

const withSlash = (uri: string) => (uri.endsWith('/') ? uri : `${uri}/`);

/** base64 → bytes with atob, which Node and browser workers both have. */
function fromBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
