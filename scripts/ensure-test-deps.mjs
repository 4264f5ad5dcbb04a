// What npm test needs from the machine: Debian's python3-numpy, python3-pandas and python3-torch (the
// fix-equivalence tests run numpy/pandas/torch programs with /usr/bin/python3) and chromium (the web build runs in a real
// browser worker). On a fresh machine, install them with apt (when root), or say how.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const probe = () => spawnSync('/usr/bin/python3', ['-c', 'import numpy, pandas, torch'], { stdio: 'ignore' }).status === 0 && existsSync('/usr/bin/chromium');

if (!probe()) {
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log('perflens tests: installing python3-numpy, python3-pandas, python3-torch and chromium with apt-get …');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
    if (!(run(['update', '-qq']) && run(['install', '-y', '-qq', 'python3-numpy', 'python3-pandas', 'python3-torch', 'chromium'])) || !probe()) {
      console.error('perflens tests: apt-get could not install python3-numpy, python3-pandas, python3-torch and chromium');
      process.exit(1);
    }
  } else {
    console.error(
      "perflens tests need Debian's python3-numpy, python3-pandas, python3-torch and chromium: sudo apt-get install -y python3-numpy python3-pandas python3-torch chromium",
    );
    process.exit(1);
  }
}
