// The checks of a remediation configuration that a schema cannot express, each a small
// named rule over the document as written (lenient: a field of the wrong type reads as
// absent; the schema reports it). None throws.
import { error, joinPointer, warning, type Finding } from '../finding';
import { asRecord, asString, type Json } from '../outline';

export interface RemediationContext {
  doc: Json;
  parameters: { name: string; value: Json; pointer: string }[];
}

export type RemediationCheck = (ctx: RemediationContext) => Finding[];

export function remediationContext(value: unknown): RemediationContext {
  const doc = asRecord(value) ?? {};
  const parameters = Object.entries(asRecord(doc.Parameters) ?? {}).flatMap(([name, v]) => {
    const rec = asRecord(v);
    return rec ? [{ name, value: rec, pointer: joinPointer('/Parameters', name) }] : [];
  });
  return { doc, parameters };
}

/** Each parameter is either the resource's id or static values, as Config's RemediationParameterValue. */
export const parameterValues: RemediationCheck = ({ parameters }) =>
  parameters.flatMap(({ name, value, pointer }) => {
    const kinds = ['ResourceValue', 'StaticValue'].filter((k) => value[k] !== undefined);
    if (kinds.length === 1) return [];
    return [
      error(
        kinds.length ? 'conflicting-properties' : 'missing-property',
        pointer,
        kinds.length ? `Parameter ${name} has both ResourceValue and StaticValue; it takes one.` : `Parameter ${name} needs a ResourceValue or a StaticValue.`,
        'ResourceValue: { Value: RESOURCE_ID } passes the resource id; StaticValue: { Values: [a, b] } passes fixed values.',
        { at: 'key' },
      ),
    ];
  });

/** An automatic remediation that never passes the resource id does the same thing for every resource. */
export const resourceIdPassed: RemediationCheck = ({ doc, parameters }) => {
  if (parameters.some((p) => p.value.ResourceValue !== undefined) || !asRecord(doc)) return [];
  return [warning('no-resource-parameter', '/Parameters', 'No parameter takes the non-compliant resource’s id (ResourceValue: RESOURCE_ID): every resource is remediated with the same parameters.', undefined, { at: 'key' })];
};

/** AWS resource types read AWS::Service::Type. */
export const resourceType: RemediationCheck = ({ doc }) => {
  const type = asString(doc.ResourceType);
  if (type === undefined || /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type)) return [];
  return [error('invalid-value', '/ResourceType', `${type} is not an AWS resource type.`, 'Write AWS::<Service>::<Type>, e.g. AWS::EC2::Instance.')];
};

export const REMEDIATION_CHECKS: RemediationCheck[] = [parameterValues, resourceIdPassed, resourceType];
