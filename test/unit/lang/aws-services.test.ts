// lang/aws-services.json is generated from the installed SDK clients; it must say exactly
// what is installed, or the compiler would accept a Service the worker cannot call.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AWS_SERVICES_FILE, installedServices, renderAwsServices } from '../../../schemas/build-aws-services';
import { AWS_SERVICES, findService, hasOperation, unknownServiceText } from '../../../lang/aws-services';
import { PUBLISHED_RUNBOOK_SERVICES } from '../../../lang/published-runbook-services';

describe('the table of AWS services', () => {
  it('is committed exactly as the installed clients produce it', async () => {
    // On failure: npx tsx schemas/build-aws-services.ts
    const committed = readFileSync(new URL(`../../../${AWS_SERVICES_FILE}`, import.meta.url), 'utf8');
    const installed = await installedServices(AWS_SERVICES.available);
    expect(committed).toBe(renderAwsServices({ installed, available: AWS_SERVICES.available }));
  });

  it('has at least the services of the issue, under boto3 names, with their operations', () => {
    for (const name of ['ec2', 'ssm', 'sns', 'sts', 's3']) expect(AWS_SERVICES.installed[name]?.package).toBe(`@aws-sdk/client-${name}`);
    expect(AWS_SERVICES.installed.ec2!.client).toBe('EC2Client');
    expect(AWS_SERVICES.installed.s3!.streamingOutput).toContain('GetObject');
    expect(AWS_SERVICES.available.logs).toBe('@aws-sdk/client-cloudwatch-logs');
    expect(AWS_SERVICES.available.stepfunctions).toBe('@aws-sdk/client-sfn');
  });

  it('calls every service that AWS-published runbooks call, under boto3 names and aliases', () => {
    for (const [name, pkg] of Object.entries(PUBLISHED_RUNBOOK_SERVICES)) expect(AWS_SERVICES.installed[name]?.package, name).toBe(pkg.package);
  });

  it('finds services in any case and operations by their exact name', () => {
    expect(findService('EC2')?.name).toBe('ec2');
    expect(findService(' Ssm ')?.name).toBe('ssm');
    expect(findService('toString')).toBeUndefined();
    const ec2 = findService('ec2')!.service;
    expect(hasOperation(ec2, 'DescribeInstances')).toBe(true);
    expect(hasOperation(ec2, 'describeInstances')).toBe(false);
  });

  it('says which package adds a service that is not installed, and guesses typos', () => {
    expect(unknownServiceText('pinpoint').hint).toBe('`npm i @aws-sdk/client-pinpoint` adds it (then `npx tsx schemas/build-aws-services.ts`).');
    expect(unknownServiceText('ec3').message).toMatch(/^Service "ec3" is not installed in this Drover; it calls \d+ services \(.*lang\/aws-services\.json\)\. Did you mean "ec2"\?$/);
  });
});
