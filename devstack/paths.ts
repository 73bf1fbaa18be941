import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in devstack/). */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Git-ignored state of the local stack: the dev server's database, logs. */
export const stateDir = join(projectRoot, '.drover');
