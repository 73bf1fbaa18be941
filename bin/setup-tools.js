#!/usr/bin/env node
// Installs the pinned binaries of the local stack (Temporal CLI, Temporal's time-skipping
// test server, moto) into a git-ignored virtualenv, .tools/venv. Idempotent: a stamp file
// holds the hash of tools/requirements.txt, so a second run with nothing changed is a
// no-op. pip's own cache (outside the clone) makes a second clone's install quick.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requirements = join(root, 'tools', 'requirements.txt');
const venv = join(root, '.tools', 'venv');
const stamp = join(venv, '.drover-stamp');
const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`setup-tools: ${cmd} ${args.join(' ')} exited with ${r.status}`);
    process.exit(1);
  }
}

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) process.exit(0);

const python = process.env.DROVER_PYTHON ?? 'python3';
console.error(`setup-tools: installing the local stack's tools into ${venv} (once)`);
rmSync(venv, { recursive: true, force: true });
mkdirSync(dirname(venv), { recursive: true });
run(python, ['-m', 'venv', venv]);
run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
for (const tool of ['temporal', 'temporal-test-server', 'moto_server']) {
  if (!existsSync(join(venv, 'bin', tool))) {
    console.error(`setup-tools: ${tool} is missing from ${venv}/bin after install`);
    process.exit(1);
  }
}
writeFileSync(stamp, wanted);
console.error('setup-tools: done');
