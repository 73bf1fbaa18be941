#!/usr/bin/env node
// The drover command runs the TypeScript sources directly through tsx, so a fresh clone
// needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
