// A `drover worker` whose AWS activities stop dead right after one named AWS call has
// succeeded (env PAUSE_AFTER_API), after writing PAUSED_FILE: the moment a crash hurts
// most. The durability test SIGKILLs this process there. Test-only; run with tsx.
import { writeFileSync } from 'node:fs';
import { createDroverWorker } from '../../worker';

const api = process.env.PAUSE_AFTER_API;
const marker = process.env.PAUSED_FILE;
if (!api || !marker) throw new Error('PAUSE_AFTER_API and PAUSED_FILE are required');

const { worker } = await createDroverWorker({
  runbookDirs: (process.env.DROVER_RUNBOOKS ?? '').split(':').filter(Boolean),
  activityDeps: {
    aws: {
      afterSideEffect: async (event) => {
        if (event.api !== api) return;
        writeFileSync(marker, `${event.request.executionId} ${event.request.step}\n`);
        await new Promise(() => {}); // until killed
      },
    },
  },
});
console.error(`paused worker: polling task queue ${worker.options.taskQueue}`);
await worker.run();
