// The Node language server's file system: project config files, Scan Workspace and the rules' file
// probe. Only the Node entry point (main.ts) imports this, so the browser bundle carries none of it.
import { ALL_RULES } from '../../rules';
import { NODE_FILES } from '../project/fileProbe';
import { ConfigError, ConfigResolver } from '../project/projectConfig';
import type { LocalDisk } from './platform';
import { scanWorkspace } from './scan';

export function localDisk(): LocalDisk {
  // Given the rules, a config naming an unknown rule is a ConfigError, shown on the file like any other.
  const configs = new ConfigResolver(ALL_RULES);
  return {
    files: NODE_FILES,
    projectOptions: (fsPath) => ({ options: configs.optionsFor(fsPath), configFile: configs.forFile(fsPath)?.file ?? null }),
    configError: (error) => (error instanceof ConfigError ? error : null),
    forgetConfigs: () => configs.clear(),
    scanWorkspace: (ctx, params, token) => scanWorkspace({ ...ctx, configs }, params, token),
  };
}
