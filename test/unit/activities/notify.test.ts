import { describe, expect, it } from 'vitest';
import { executionLink, subjectOf } from '../../../activities/notify';
import type { NotifyRequest } from '../../../workflows/definitions';

describe('notifications', () => {
  it('link to the run in the Temporal UI, the workflow id encoded', () => {
    expect(executionLink('http://localhost:8233/', 'default', 'hello/abc-1', 'run-9')).toBe('http://localhost:8233/namespaces/default/workflows/hello%2Fabc-1/run-9');
    expect(executionLink('https://ui.example.com/temporal', 'prod ns', 'x')).toBe('https://ui.example.com/temporal/namespaces/prod%20ns/workflows/x');
  });

  it('have a one-line printable subject of at most 100 characters', () => {
    const req = (m: Partial<NotifyRequest['message']>): NotifyRequest => ({
      topicArn: 'arn:aws:sns:us-east-1:123456789012:t',
      message: { event: 'ExecutionStatusChanged', seq: 1, runbook: 'hello', executionId: 'hello/1', status: 'Success', time: '2026-01-01T00:00:00.000Z', ...m },
    });
    expect(subjectOf(req({}))).toBe('Drover: hello Success');
    expect(subjectOf(req({ event: 'StepFailed', step: 'x', status: 'TimedOut' }))).toBe('Drover: hello step x TimedOut');
    expect(subjectOf(req({ event: 'ApprovalRequested', step: 'ask', status: 'Waiting' }))).toBe('Drover: hello approval requested at ask');
    const long = subjectOf(req({ runbook: `r${'é'.repeat(200)}` }));
    expect(long.length).toBe(100);
    expect(long).toMatch(/^Drover: r\?+\.\.\.$/);
  });
});
