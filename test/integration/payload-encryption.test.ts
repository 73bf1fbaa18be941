// Payload encryption end to end, on the shared dev server: a worker and clients with the
// codec run a runbook across a key rotation; a client WITHOUT the codec reads the raw
// history and finds only ciphertext (inputs, activity inputs and results, memo, summary,
// update arguments, failures), and the parameter's plaintext nowhere in its bytes. The
// codec server decrypts a payload of that history over HTTP as the Web UI asks it to.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { defaultPayloadConverter, type DataConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { compileRunbook } from '../../compiler';
import { BUILTIN_CATALOG } from '../../lang/catalog';
import type { Plan } from '../../lang/plan';
import { DroverClient } from '../../client';
import { createDroverWorker } from '../../worker';
import { droverDataConverter, droverPayloadCodec } from '../../client/codec/data-converter';
import { startCodecServer } from '../../client/codec/codec-server';
import { payloadsFromJson, payloadsToJson } from '../../client/codec/payload-json';
import { quietRuntime, uniqueQueue, useSandboxAws, waitForState } from '../helpers/env';
import { droverEnv, runCli } from '../helpers/processes';

const RUNBOOK = `
description: Encryption fixture. Holds on a pause, echoes a parameter, fails quoting it.
schemaVersion: '0.3'
parameters:
  Note:
    type: String
mainSteps:
  - name: hold
    action: aws:pause
    inputs: {}
  - name: echo
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: h
      InputPayload:
        note: '{{ Note }}'
      Script: |
        def h(e, c):
            return {"echo": e["note"]}
    outputs:
      - Name: Echo
        Selector: $.Payload.echo
        Type: String
  - name: complain
    action: aws:executeScript
    onFailure: Continue
    isCritical: true
    inputs:
      Runtime: python3.11
      Handler: h
      InputPayload:
        note: '{{ Note }}'
      Script: |
        def h(e, c):
            raise ValueError("cannot use " + e["note"])
  - name: say
    action: drover:log
    inputs:
      Message: 'echoed {{ echo.Echo }}'
outputs:
  - echo.Echo
  - say.Message
`;

const SECRET = `plaintext-${randomUUID()}`;
const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');
const ROTATED = `k2:${K2},k1:${K1}`;
const keysEnv = (spec: string) => ({ DROVER_PAYLOAD_KEYS: spec });

let address: string;
let connection: Connection;
let native: NativeConnection;
let raw: Client;
let plan: Plan;
let taskQueue: string;
let executionId: string;
let running: { worker: Worker; done: Promise<void> } | undefined;

function droverClient(dataConverter: DataConverter): DroverClient {
  return new DroverClient(new Client({ connection, namespace: 'default', dataConverter }), { taskQueue, runbookDirs: [] });
}

/** A worker on the test's task queue that bundles its own workflow code, as `drover worker` does. */
async function startWorker(dataConverter: DataConverter): Promise<void> {
  const { worker } = await createDroverWorker({ connection: native, namespace: 'default', taskQueue, runbookDirs: [], dataConverter });
  running = { worker, done: worker.run() };
}

async function stopWorker(): Promise<void> {
  if (!running) return;
  running.worker.shutdown();
  await running.done;
  running = undefined;
}

async function rawHistory(workflowId: string): Promise<proto.temporal.api.history.v1.IHistoryEvent[]> {
  const events: proto.temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await raw.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId }, nextPageToken });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

/** Every payload in a proto object, with where it was found; search attributes are Temporal's to index, never encoded. */
function payloadsIn(value: unknown, path = ''): Array<{ path: string; payload: Payload }> {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return [];
  const v = value as Record<string, unknown>;
  if (v.metadata && typeof v.metadata === 'object' && 'encoding' in (v.metadata as object)) return [{ path, payload: v as Payload }];
  return Object.entries(v).flatMap(([k, child]) => (k === 'searchAttributes' ? [] : payloadsIn(child, `${path}.${k}`)));
}

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString();

beforeAll(async () => {
  quietRuntime();
  useSandboxAws();
  address = inject('temporalAddress');
  connection = await Connection.connect({ address });
  native = await NativeConnection.connect({ address });
  raw = new Client({ connection, namespace: 'default' });
  const compiled = compileRunbook(RUNBOOK, 'encrypted.yaml', BUILTIN_CATALOG);
  if (!compiled.plan) throw new Error(JSON.stringify(compiled.diagnostics));
  plan = compiled.plan;
  taskQueue = uniqueQueue('codec');
});

afterAll(async () => {
  await stopWorker();
  await native?.close();
  await connection?.close();
});

describe('payload encryption', () => {
  it('runs an execution across a key rotation; the codec clients read everything', async () => {
    await startWorker(droverDataConverter(keysEnv(`k1:${K1}`)));
    const withK1 = droverClient(droverDataConverter(keysEnv(`k1:${K1}`)));
    ({ executionId } = await withK1.start(plan, { parameters: { Note: SECRET } }));
    const waiting = await waitForState(withK1, executionId, (s) => s.status === 'Waiting');
    expect(waiting.steps.find((s) => s.name === 'hold')?.status).toBe('Waiting');

    // Rotate: k2 in front, k1 kept behind it. A new worker resumes what k1 wrote.
    await stopWorker();
    await startWorker(droverDataConverter(keysEnv(ROTATED)));
    const rotated = droverClient(droverDataConverter(keysEnv(ROTATED)));
    await rotated.resume(executionId, 'codec-test');
    const result = await rotated.result(executionId);
    expect(result.status).toBe('Failed'); // a critical step failed (and onFailure Continue ran on)
    expect(result.outputs['echo.Echo']).toBe(SECRET);
    expect(result.outputs['say.Message']).toBe(`echoed ${SECRET}`);
    // Failure messages travel encrypted, and decrypt back for whoever holds the key.
    expect(result.failureMessage).toContain(`cannot use ${SECRET}`);
    expect(result.steps.find((s) => s.name === 'complain')?.failureMessage).toContain(`cannot use ${SECRET}`);
    const desc = await rotated.handle(executionId).describe();
    expect((await desc.memo)?.parameters).toEqual({ Note: SECRET });
    expect(await desc.staticSummary()).toContain(SECRET);
  });

  it('leaves only ciphertext in the server: every payload encrypted, the plaintext nowhere', async () => {
    const events = await rawHistory(executionId);
    const found = events.flatMap((e, i) => payloadsIn(e, `events[${i}](${e.eventType})`));
    const kinds = new Set(found.map((f) => f.path.replace(/^events\[\d+\]/, '').replace(/\.payloads\.\d+/, '')));
    // What must be there: input, activity inputs and results, memo, summary, update args, failure.
    for (const expected of [
      'workflowExecutionStartedEventAttributes.input',
      'workflowExecutionStartedEventAttributes.memo.fields.parameters',
      'userMetadata.summary',
      'activityTaskScheduledEventAttributes.input',
      'activityTaskCompletedEventAttributes.result',
      'workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input.args',
      'activityTaskFailedEventAttributes.failure.encodedAttributes',
      'workflowExecutionFailedEventAttributes.failure.encodedAttributes',
    ]) {
      expect([...kinds].some((k) => k.includes(expected)), `${expected} in ${[...kinds].join('\n')}`).toBe(true);
    }
    const clear = found.filter((f) => text(f.payload.metadata?.encoding) !== 'binary/encrypted');
    expect(clear.map((f) => `${f.path}: ${text(f.payload.metadata?.encoding)}`)).toEqual([]);
    const keyIds = new Set(found.map((f) => text(f.payload.metadata?.['encryption-key-id'])));
    expect([...keyIds].sort()).toEqual(['k1', 'k2']); // written before and after the rotation

    const failed = events.find((e) => e.workflowExecutionFailedEventAttributes)!.workflowExecutionFailedEventAttributes!.failure!;
    expect(failed.message).toBe('Encoded failure');
    const bytes = Buffer.from(proto.temporal.api.history.v1.History.encode({ events }).finish());
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes.includes(SECRET)).toBe(false);
    expect(bytes.includes(Buffer.from(SECRET).toString('base64'))).toBe(false);
    // Search attributes stay readable (Temporal indexes them) and hold nothing of the parameters.
    const started = events[0]!.workflowExecutionStartedEventAttributes!;
    expect(Object.keys(started.searchAttributes?.indexedFields ?? {})).toEqual(expect.arrayContaining(['DroverRunbook', 'DroverPlanHash', 'DroverTrigger']));
    // The visibility record and its memo, as a reader without the key gets them.
    const described = await raw.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: executionId } });
    const memo = described.workflowExecutionInfo!.memo!.fields!.parameters!;
    expect(text(memo.metadata?.encoding)).toBe('binary/encrypted');
    expect(Buffer.from(proto.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse.encode(described).finish()).includes(SECRET)).toBe(false);
  });

  it('refuses clearly, naming the key, when a reader lacks the key or has a wrong one', async () => {
    // The result was written after the rotation: k2.
    const onlyK1 = droverClient(droverDataConverter(keysEnv(`k1:${K1}`)));
    await expect(onlyK1.result(executionId)).rejects.toThrow(/encrypted with key "k2", which this process does not have \(its keys: k1\)/);
    const wrongK2 = droverClient(droverDataConverter(keysEnv(`k2:${randomBytes(32).toString('base64')}`)));
    await expect(wrongK2.result(executionId)).rejects.toThrow(/key "k2" does not decrypt with this process's key "k2"/);
    // No codec at all: the SDK cannot read binary/encrypted (never garbage).
    await expect(droverClient({}).result(executionId)).rejects.toThrow(/binary\/encrypted/);
  });

  it('the codec server decrypts a payload of the raw history over HTTP, as the Web UI asks', async () => {
    const codec = droverPayloadCodec(keysEnv(ROTATED))!;
    const server = await startCodecServer({ codec, port: 0, corsOrigins: ['http://127.0.0.1:8233'] });
    try {
      const input = (await rawHistory(executionId))[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      const res = await fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: 'http://127.0.0.1:8233' },
        body: JSON.stringify(payloadsToJson([input])),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
      const [decoded] = payloadsFromJson(await res.json());
      expect(text(decoded!.metadata?.encoding)).toBe('json/plain');
      const executionInput = defaultPayloadConverter.fromPayload<{ parameters: Record<string, unknown>; plan: Plan }>(decoded!);
      expect(executionInput.parameters).toEqual({ Note: SECRET });
      expect(executionInput.plan.hash).toBe(plan.hash);
    } finally {
      await server.close();
    }
  });

  it('the CLI takes the keys from the environment (and reads nothing without them)', async () => {
    const env = { ...droverEnv(taskQueue), ...keysEnv(ROTATED) };
    const ok = await runCli(['status', executionId, '--json'], env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(SECRET);
    const none = await runCli(['status', executionId], droverEnv(taskQueue));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/these payloads are encrypted; set DROVER_PAYLOAD_KEYS/);
    expect(none.stdout).not.toContain(SECRET);
    const bad = await runCli(['status', executionId], { ...env, DROVER_PAYLOAD_KEYS: `k1:${K1},k1:${K2}` });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/DROVER_PAYLOAD_KEYS, entry 2: key id k1 is given twice/);
    expect(bad.stderr).not.toContain(K2);
  });
});
