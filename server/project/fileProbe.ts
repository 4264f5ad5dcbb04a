// The file-system capability rules get on hosts that have a disk (the CLI, the Node language server,
// the tests): see FileProbe in analysis/codeContext.ts. Never throws: an unreadable path is unknown.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { FileProbe } from '../analysis/codeContext';

export const NODE_FILES: FileProbe = {
  exists(absolutePath) {
    try {
      return existsSync(absolutePath);
    } catch {
      return false;
    }
  },
  fileSize(absolutePath) {
    try {
      const st = statSync(absolutePath);
      return st.isFile() ? st.size : null;
    } catch {
      return null;
    }
  },
  modifiedMs(absolutePath) {
    try {
      const st = statSync(absolutePath);
      return st.isFile() ? st.mtimeMs : null;
    } catch {
      return null;
    }
  },
  readText(absolutePath) {
    try {
      return readFileSync(absolutePath, 'utf8');
    } catch {
      return null;
    }
  },
  list(absolutePath) {
    try {
      return readdirSync(absolutePath, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name));
    } catch {
      return null;
    }
  },
};
