import { execFileSync, spawnSync } from 'node:child_process';

// The Debian peers are installed by the bench when missing (as root, which this machine is).
// `dpkg -s` checks without starting anything: `prosody --version` would start the server.

const debianPeers = ['prosody', 'mosquitto'] as const;

const installed = (name: string): boolean => spawnSync('dpkg', ['-s', name], { stdio: 'ignore' }).status === 0;

export function ensurePeersInstalled(log: (line: string) => void): void {
  const missing = debianPeers.filter((name) => !installed(name));
  if (missing.length === 0) return;
  log(`installing ${missing.join(', ')} with apt-get`);
  const install = (): number | null =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status;
  if (install() !== 0) {
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    if (install() !== 0) throw new Error(`apt-get could not install ${missing.join(', ')}`);
  }
  // Debian's packages may start a system-wide daemon; the bench runs its own, so stop theirs.
  for (const name of missing) spawnSync('service', [name, 'stop'], { stdio: 'ignore' });
}
