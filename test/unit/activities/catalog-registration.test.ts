// Every action the catalog says runs in an activity must have that activity registered:
// Temporal retries an activity type nobody serves until the step times out, so a gap
// here would compile clean and then hang.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../../lang/catalog';
import { createActivities } from '../../../activities';
import { SUPPORT_ACTIVITIES } from '../../../workflows/definitions';

describe('catalog and activities', () => {
  const registered = Object.keys(createActivities({ runbookDirs: [] }));

  it('registers an activity for every activity action of the catalog', () => {
    const needed = Object.entries(BUILTIN_CATALOG)
      .filter(([, info]) => info.runsIn === 'activity')
      .map(([name]) => name);
    expect(needed.length).toBeGreaterThan(5);
    expect(needed.filter((name) => !registered.includes(name))).toEqual([]);
  });

  it('registers the support activities the interpreter calls', () => {
    expect(Object.values(SUPPORT_ACTIVITIES).filter((name) => !registered.includes(name))).toEqual([]);
  });
});
