#!/usr/bin/env node
// Makes sure what the tests need from the system is here, installing it with apt-get when
// missing: PostgreSQL (always) and Chromium (with --browser). A missing service is a
// failure, never a silent skip.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

const wantBrowser = process.argv.includes('--browser');

export function findInitdb() {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = `${root}/${v}/bin/initdb`;
    if (fs.existsSync(bin)) return bin;
  }
  return null;
}

function have(what) {
  if (what === 'postgresql') return findInitdb() !== null;
  if (what === 'chromium') return fs.existsSync('/usr/lib/chromium/chromium') || fs.existsSync('/usr/bin/chromium');
  return false;
}

const missing = ['postgresql', ...(wantBrowser ? ['chromium'] : [])].filter((p) => !have(p));
if (missing.length > 0) {
  console.log(`test-env: installing ${missing.join(', ')} with apt-get…`);
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args) => {
    const [cmd, ...rest] = [...asRoot, ...args];
    const result = spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return result.status === 0;
  };
  if (!run(['apt-get', 'update', '-qq']) || !run(['apt-get', 'install', '-y', '-qq', ...missing])) {
    console.error(`test-env: could not install ${missing.join(', ')}. Install them (apt-get install ${missing.join(' ')}) and run the tests again.`);
    process.exit(1);
  }
  const still = missing.filter((p) => !have(p));
  if (still.length > 0) {
    console.error(`test-env: ${still.join(', ')} still missing after apt-get.`);
    process.exit(1);
  }
}
try {
  execFileSync(findInitdb(), ['--version'], { stdio: 'ignore' });
} catch {
  console.error('test-env: initdb does not run.');
  process.exit(1);
}
console.log('test-env: PostgreSQL' + (wantBrowser ? ' and Chromium' : '') + ' present.');
