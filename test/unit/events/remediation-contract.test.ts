// The arithmetic of Config's remediation controls, alone.
import { describe, expect, it } from 'vitest';
import { remediationParameters } from '../../../lang/events/remediation';
import { errorsExceeded, retryDelayMs, turnLimit } from '../../../workflows/events/remediation-contract';

describe('remediation controls', () => {
  it('ErrorPercentage as AWS documents it: 40 % of 10 resources stops at the fifth error', () => {
    expect(errorsExceeded(40, 10, 4)).toBe(false);
    expect(errorsExceeded(40, 10, 5)).toBe(true);
    expect(errorsExceeded(50, 1, 1)).toBe(true);
    expect(errorsExceeded(100, 3, 3)).toBe(false);
  });

  it('ConcurrentExecutionRatePercentage: that share of the batch at once, at least one', () => {
    expect(turnLimit(10, 3)).toBe(1);
    expect(turnLimit(25, 8)).toBe(2);
    expect(turnLimit(100, 7)).toBe(7);
    expect(turnLimit(10, 0)).toBe(1);
  });

  it('spaces automatic retries so that MaximumAutomaticAttempts quick failures fit in RetryAttemptSeconds', () => {
    expect(retryDelayMs({ retryAttemptSeconds: 60, maximumAutomaticAttempts: 5 })).toBe(6000);
    expect(retryDelayMs({ retryAttemptSeconds: 1, maximumAutomaticAttempts: 25 })).toBe(1000);
  });

  it('parameters for a resource: its id for RESOURCE_ID, the values of static ones, all as lists of strings', () => {
    expect(remediationParameters({ parameters: { InstanceIds: { resourceValue: 'RESOURCE_ID' }, Days: { staticValues: ['7'] } } }, 'i-1')).toEqual({ InstanceIds: ['i-1'], Days: ['7'] });
  });
});
