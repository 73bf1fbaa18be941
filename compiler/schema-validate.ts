// Validates the document against schemas/runbook.schema.json (built in memory from the same
// builder) and turns each ajv error into a finding that names the thing by its runbook
// meaning, points at the right node (unknown property → its key, missing property → the
// parent's key), and offers valid values and "did you mean".
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { buildRunbookSchema } from '../schemas/runbook-schema';
import { describeValue as describe } from '../lang/types';
import { closestMatch, didYouMean, listWords } from '../lang/suggest';
import { describePointer, sentence, type PointerSubject } from './describe-pointer';
import { error, joinPointer, warning, type Finding } from './finding';
import { resolveAlternatives, typePhrase, type AlternativeOutcome } from './schema-alternatives';

/**
 * A validator of one of Drover's schemas, compiled on first use (ajv's compile is slow).
 * strictRequired is off: "one of these inputs is required" names properties declared a level
 * up, which is exactly what we mean.
 */
export function lazyValidator(build: () => object): () => ValidateFunction {
  let compiled: ValidateFunction | undefined;
  return () => (compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(build()));
}

const runbookValidator = lazyValidator(buildRunbookSchema);

export function validateRunbookSchema(value: unknown): Finding[] {
  return schemaFindings(runbookValidator(), value);
}

/** The shared wording names the root "the runbook"; other documents rename it (`noun`: "document", "baseline"). */
export function renameRoot(findings: Finding[], noun: string): Finding[] {
  const capital = `The ${noun}`;
  return findings.map((f) => ({ ...f, message: f.message.replace(/^The runbook\b/, capital).replace(/\bthe runbook\b/g, `the ${noun}`) }));
}

/** The findings of any compiled schema of Drover's (runbooks, Command documents) for a value. */
export function schemaFindings(validate: ValidateFunction, value: unknown): Finding[] {
  if (validate(value)) return [];
  // `if` errors only say "the then-branch failed"; its own errors say what is wrong.
  const raw = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
  const { errors, outcomes } = resolveAlternatives(raw);
  // A misspelt property is also a missing one (`Duraton` for `Duration`): say it once, as
  // the misspelling with its correction.
  const misspelt = new Set(errors.flatMap((e) => (e.keyword === 'additionalProperties' ? [`${e.instancePath}|${correctionOf(e)}`] : [])));
  const isMisspelt = (at: string, names: string[]) => names.some((n) => misspelt.has(`${at}|${n}`));
  const findings = [
    ...outcomes.filter((o) => o.kind !== 'missing-one-of' || !isMisspelt(o.error.instancePath, o.names)).map((o) => outcomeFinding(o, value)),
    ...errors
      .filter((e) => e.keyword !== 'required' || !isMisspelt(e.instancePath, [String((e.params as { missingProperty: string }).missingProperty)]))
      .flatMap((e) => errorFinding(e, value)),
  ];
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}|${f.pointer}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// A step's `action` that the schema does not know is reported by the catalog check, which
// also knows actions a catalog adds.
const STEP_ACTION = /^\/mainSteps\/\d+(\/inputs\/Steps\/\d+)*\/action$/;

function errorFinding(e: ErrorObject, doc: unknown): Finding[] {
  const subject = describePointer(e.instancePath, doc);
  const what = sentence(subject.phrase);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return [unknownProperty(e.instancePath, String(params.additionalProperty), subject, parent)];
    case 'required':
      return [missingProperty(e.instancePath, String(params.missingProperty), subject, parent)];
    case 'type': {
      const expected = String(params.type).split(',').map(typePhrase);
      const numberInString = typeof e.data === 'string' && /^\d+$/.test(e.data) && String(params.type).includes('integer');
      return [
        error(
          'invalid-type',
          e.instancePath,
          `${what} must be ${listWords(expected)}, not ${describe(e.data)}.`,
          numberInString ? 'Write the number without quotes.' : undefined,
        ),
      ];
    }
    case 'enum': {
      if (STEP_ACTION.test(e.instancePath)) return [];
      const allowed = (params.allowedValues as unknown[]).map(String);
      return [
        error(
          'invalid-value',
          e.instancePath,
          `${what} must be one of ${listWords(allowed.map((v) => JSON.stringify(v)))}, not ${describe(e.data)}.${typeof e.data === 'string' ? didYouMean(e.data, allowed) : ''}`,
        ),
      ];
    }
    case 'const': {
      const expected = JSON.stringify(params.allowedValue);
      const hint = e.instancePath === '/schemaVersion' && typeof e.data === 'number' ? "Quote it: schemaVersion: '0.3'." : undefined;
      return [error('invalid-value', e.instancePath, `${what} must be ${expected}, not ${describe(e.data)}.`, hint)];
    }
    case 'pattern': {
      if ('propertyName' in e) return []; // reported by the propertyNames error
      const form = typeof parent.title === 'string' ? parent.title : `text matching ${String(params.pattern)}`;
      const hint = typeof parent.description === 'string' ? parent.description : undefined;
      return [error('invalid-value', e.instancePath, `${what} must be ${form}; ${describe(e.data)} is not.`, hint)];
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const pattern = String((parent.propertyNames as Record<string, unknown> | undefined)?.pattern ?? '');
      return [
        error(
          'invalid-name',
          joinPointer(e.instancePath, name),
          `"${name}" is not a valid name in ${subject.phrase}.`,
          `Names must match ${pattern}, so that {{ }} references can name them.`,
          { at: 'key' },
        ),
      ];
    }
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'minimum':
    case 'maximum': {
      const limit = String(params.limit);
      const phrase = {
        minProperties: `must have at least ${limit} entry`,
        minItems: `must have at least ${limit} item(s)`,
        maxItems: `must have at most ${limit} item(s)`,
        minimum: `must be at least ${limit}`,
        maximum: `must be at most ${limit}`,
      }[e.keyword];
      return [error('invalid-value', e.instancePath, `${what} ${phrase}.`)];
    }
    default:
      return [error('schema', e.instancePath, `${what} ${e.message ?? 'is not valid'}.`)];
  }
}

/** The declared property an unknown one is probably a misspelling of. */
function correctionOf(e: ErrorObject): string | undefined {
  const known = Object.keys(((e.parentSchema ?? {}) as { properties?: object }).properties ?? {});
  return closestMatch(String((e.params as { additionalProperty: string }).additionalProperty), known);
}

function unknownProperty(at: string, name: string, subject: PointerSubject, parent: Record<string, unknown>): Finding {
  const known = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
  const pointer = joinPointer(at, name);
  const suggestion = didYouMean(name, known);
  if (subject.isStepInputs) {
    // A warning, as SSM is lenient here: AWS's own runbooks give inputs an action does not
    // document (aws:pause with Message, aws:changeInstanceState with
    // FailOnUnexpectedStopped) and run; the action never reads them. A near miss of an
    // input the action has stays an error: it is a typo that leaves that input unset.
    const action = subject.step?.action ?? 'this action';
    return (suggestion ? error : warning)(
      'unknown-input',
      pointer,
      `Action ${action} has no input "${name}"${suggestion ? '.' : ', so it is ignored.'}${suggestion}`,
      known.length ? `Its inputs are ${listWords(known, 'and')}.` : 'It takes no inputs: write inputs: {}.',
      { at: 'key' },
    );
  }
  return error(
    'unknown-property',
    pointer,
    `${sentence(subject.phrase)} has no property "${name}".${suggestion}`,
    known.length ? `Allowed here: ${listWords(known, 'and')}.` : undefined,
    { at: 'key' },
  );
}

function missingProperty(at: string, name: string, subject: PointerSubject, parent: Record<string, unknown>): Finding {
  const described = (parent.properties as Record<string, Record<string, unknown>> | undefined)?.[name]?.description;
  const hint = typeof described === 'string' ? `${name}: ${described}` : undefined;
  if (subject.isStepInputs) {
    const action = subject.step?.action ?? 'the action';
    return error('missing-input', at, `${sentence(stepPhrase(subject))} (${action}) is missing the required input "${name}".`, hint, { at: 'key' });
  }
  return error('missing-property', at, `${sentence(subject.phrase)} is missing the required property "${name}".`, hint, { at: 'key' });
}

const stepPhrase = (subject: PointerSubject): string =>
  subject.step?.name !== undefined ? `step "${subject.step.name}"` : subject.phrase.replace(/^"inputs" of /, '');

function outcomeFinding(outcome: AlternativeOutcome, doc: unknown): Finding {
  const at = outcome.error.instancePath;
  const subject = describePointer(at, doc);
  const what = sentence(subject.isStepInputs ? stepPhrase(subject) : subject.phrase);
  switch (outcome.kind) {
    case 'missing-one-of':
      return subject.isStepInputs
        ? error('missing-input', at, `${what} (${subject.step?.action}) needs one of the inputs ${listWords(outcome.names)}.`, undefined, { at: 'key' })
        : error('missing-property', at, `${what} needs one of ${listWords(outcome.names)}.`, undefined, { at: 'key' });
    case 'more-than-one':
      return error(
        'conflicting-properties',
        at,
        outcome.names.length
          ? `${what} may have only one of ${listWords(outcome.names)}, but has ${listWords(outcome.names, 'and')}.`
          : `${what} matches more than one of the allowed forms.`,
        'Keep one and remove the others.',
        { at: 'key' },
      );
    case 'no-branch-fits': {
      const data = outcome.error.data;
      const suggestion = typeof data === 'string' ? didYouMean(data, outcome.enumValues) : '';
      return error(
        outcome.typeMatches ? 'invalid-value' : 'invalid-type',
        at,
        `${what} must be ${listWords(outcome.phrases)}; ${describe(data)} is not.${suggestion}`,
      );
    }
  }
}
