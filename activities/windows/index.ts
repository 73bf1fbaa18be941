// The activity maintenance windows need on the worker: renewing a cron window's rolling list
// of fire times in its Temporal Schedule, at each execution (idempotent: it writes only when
// the list changed). Uses the worker's own Temporal client.
import { getClient, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { ActivityFn } from '../index';
import type { WindowScheduleFields } from '../../lang/schedule/definition';
import { WINDOW_ACTIVITIES } from '../../workflows/window-contract';
import { specKey, windowSpec } from './schedule-spec';

export interface WindowActivityDeps {
  /** Default: the worker's own client. */
  client?: Client;
}

export function createWindowActivities(deps: WindowActivityDeps = {}): Record<string, ActivityFn> {
  return {
    [WINDOW_ACTIVITIES.refreshSchedule]: async ({ scheduleId, schedule }: { scheduleId: string; schedule: WindowScheduleFields }) => {
      const handle = (deps.client ?? getClient()).schedule.getHandle(scheduleId);
      const described = await handle.describe();
      const spec = windowSpec(schedule, new Date());
      if (specKey(described.spec) === specKey(spec)) return { changed: false };
      await handle.update((prev) => ({ ...prev, spec }));
      log.info('renewed the fire times of a window schedule', { scheduleId, entries: spec.calendars?.length ?? 0 });
      return { changed: true };
    },
  };
}
