#!/usr/bin/env node
// The drover command runs the TypeScript sources directly through tsx, so a fresh clone
// needs no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK versions Drover pins run on Node 20; its notice about later versions needing
// Node 22 is for whoever upgrades them, not for every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../cli/main.ts');
