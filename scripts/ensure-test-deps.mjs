// The fix-equivalence tests run numpy/pandas programs with Debian's /usr/bin/python3.
// On a fresh machine, install python3-numpy and python3-pandas with apt (when root), or say how.
import { spawnSync } from 'node:child_process';

const probe = () => spawnSync('/usr/bin/python3', ['-c', 'import numpy, pandas'], { stdio: 'ignore' }).status === 0;

if (!probe()) {
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log('perflens tests: installing python3-numpy and python3-pandas with apt-get …');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
    if (!(run(['update', '-qq']) && run(['install', '-y', '-qq', 'python3-numpy', 'python3-pandas'])) || !probe()) {
      console.error('perflens tests: apt-get could not install python3-numpy and python3-pandas');
      process.exit(1);
    }
  } else {
    console.error('perflens tests need Debian\'s python3-numpy and python3-pandas: sudo apt-get install -y python3-numpy python3-pandas');
    process.exit(1);
  }
}
