// Profiles users already produce, read into one ProfileIndex: cProfile/pstats, py-spy's speedscope JSON,
// Scalene's JSON and torch.profiler's Chrome traces. Pure functions of the bytes (the hosts read the file),
// so the CLI, the Node server and the browser server share them.
import { isChromeTrace, readChromeTrace } from './chromeTrace';
import { readPstats } from './pstats';
import { isScalene, readScalene } from './scalene';
import { isSpeedscope, readSpeedscope } from './speedscope';
import { MAX_PROFILE_BYTES, ProfileError, type ProfileIndex } from './types';

export {
  byHeat,
  describeFindingProfile,
  measured,
  profileTag,
  functionSpans,
  profileFindings,
  reportedWithProfile,
  profiledSeverity,
  percent,
  HOT_SHARE,
  type FunctionSpan,
  type ProfileSource,
} from './annotate';
export { describeMatch, isSourcePath, matchFiles, type FileMatch } from './match';
export { MAX_PROFILE_BYTES, ProfileError, type ProfileIndex, type ProfiledFile } from './types';

const SUPPORTED = 'perflens reads cProfile/pstats files, py-spy speedscope JSON, Scalene JSON and torch.profiler Chrome traces';

/** The profile in these bytes, whatever its format; a ProfileError says what is wrong with it. */
export function readProfile(bytes: Uint8Array): ProfileIndex {
  if (bytes.length > MAX_PROFILE_BYTES) throw new ProfileError(`the file is larger than ${MAX_PROFILE_BYTES / 1024 / 1024} MB`);
  if (bytes.length === 0) throw new ProfileError('the file is empty');
  const start = firstNonSpace(bytes);
  // JSON opens with `{` or `[` then (after spaces) a quote, a bracket or a closing brace; a marshalled dict opens with `{` then a type code.
  if (start >= 0 && (bytes[start] === 0x5b || (bytes[start] === 0x7b && /^[\s"}]/.test(String.fromCharCode(bytes[start + 1] ?? 0x20))))) {
    return readJsonProfile(bytes);
  }
  if (bytes[0] === 0x7b || bytes[0] === 0xfb) {
    try {
      return readPstats(bytes);
    } catch (error) {
      if (error instanceof RangeError) throw new ProfileError('not a pstats file: too deeply nested');
      throw error;
    }
  }
  throw new ProfileError(`not a profile perflens can read (${SUPPORTED})`);
}

function readJsonProfile(bytes: Uint8Array): ProfileIndex {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8').decode(bytes));
  } catch (error) {
    throw new ProfileError(`not valid JSON (${error instanceof Error ? error.message : String(error)}): truncated?`);
  }
  if (isSpeedscope(json)) return readSpeedscope(json);
  if (isScalene(json)) return readScalene(json);
  if (isChromeTrace(json)) return readChromeTrace(json);
  throw new ProfileError(`a JSON file, but not a profile perflens can read (${SUPPORTED})`);
}

function firstNonSpace(bytes: Uint8Array): number {
  for (let i = 0; i < Math.min(bytes.length, 4096); i++) if (![0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].includes(bytes[i])) return i;
  return -1;
}
