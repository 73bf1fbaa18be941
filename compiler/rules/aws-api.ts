// `Service` and `Api` of the AWS API actions name an installed SDK client and one of its
// operations (lang/aws-services.json). Checked here so that a typo or a client Drover was
// not built with is a compile-time diagnostic, not a step failing halfway through a run.
// A `{{ }}` value is known only at run time, where the activity checks it the same way.
import { AWS_SERVICES, findOperation, findService, unknownServiceText, type AwsServiceTable } from '../../lang/aws-services';
import { didYouMean } from '../../lang/suggest';
import { sentence } from '../describe-pointer';
import { error, joinPointer, warning, type Finding } from '../finding';
import { asString } from '../outline';
import { stepLabel, type RuleContext } from './context';

export const AWS_API_ACTIONS: readonly string[] = ['aws:executeAwsApi', 'aws:waitForAwsResourceProperty', 'aws:assertAwsResourceProperty'];

const isLiteral = (value: string | undefined): value is string => value !== undefined && !value.includes('{{');

export function checkAwsApi({ outline }: RuleContext, services: AwsServiceTable = AWS_SERVICES): Finding[] {
  const findings: Finding[] = [];
  for (const step of outline.steps) {
    if (step.action === undefined || !AWS_API_ACTIONS.includes(step.action)) continue;
    const serviceName = asString(step.inputs.Service);
    if (!isLiteral(serviceName)) continue;
    const found = findService(serviceName, services);
    if (!found) {
      const { message, hint } = unknownServiceText(serviceName, services);
      findings.push(error('unknown-service', joinPointer(step.pointer, 'inputs', 'Service'), `${sentence(stepLabel(step))}: ${message}`, hint));
      continue;
    }
    const api = asString(step.inputs.Api);
    if (!isLiteral(api)) continue;
    const pointer = joinPointer(step.pointer, 'inputs', 'Api');
    const operation = findOperation(found.service, api);
    if (!operation) {
      findings.push(
        error(
          'unknown-api',
          pointer,
          `${sentence(stepLabel(step))}: ${found.name} has no operation "${api}".${didYouMean(api, found.service.operations)}`,
          `Api is the operation's PascalCase name from AWS's API reference; lang/aws-services.json lists the ${found.service.operations.length} operations of ${found.name}.`,
        ),
      );
      continue;
    }
    if (!operation.exact) {
      // SSM calls it anyway (boto3 turns every spelling into its method name): so does Drover.
      findings.push(
        warning(
          'api-name-case',
          pointer,
          `${sentence(stepLabel(step))}: Api "${api}" is read as ${found.name}'s operation "${operation.name}".`,
          `Write ${operation.name}, the operation's name in AWS's API reference.`,
        ),
      );
    }
    if (found.service.streamingOutput.includes(operation.name)) {
      findings.push(
        error(
          'streaming-api',
          pointer,
          `${sentence(stepLabel(step))}: ${found.name} ${operation.name} returns a stream, which an AWS API action cannot return (AWS refuses it too).`,
          'Use aws:executeScript with boto3 to read a stream.',
        ),
      );
    }
  }
  return findings;
}
