// Every `{{ }}` reference must name something: a declared parameter or variable, an output
// a step has, a known global:/automation: value. `{{ ssm:/path }}` works only as a whole
// parameter default. Inside an aws:executeScript Script an unresolved identifier is only a
// warning (scripts contain literal braces); the Maintenance Windows pseudo-parameters
// {{RESOURCE_ID}} and {{TARGET_ID}} are warnings when not declared (a window fills them).
// `{{ ssm-secure:name }}` is accepted only in the inputs where its value leaves Drover (the
// catalog's secureInputs): anywhere else the workflow would evaluate or log the reference.
import type { ActionCatalog } from '../../lang/catalog';
import { acceptsSecureReference, describeSecureInputs } from '../../lang/secure-references';
import { didYouMean, listWords } from '../../lang/suggest';
import { AUTOMATION_NAMES, GLOBAL_NAMES, referencesIn, type Reference } from '../../lang/template';
import { error, warning, type Finding } from '../finding';
import { outputsOf } from '../step-outputs';
import { templateSites, type TemplateSite } from '../template-sites';
import { stepLabel, type RuleContext } from './context';

const PSEUDO_PARAMETERS = ['RESOURCE_ID', 'TARGET_ID'];

export function checkReferences(ctx: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const site of templateSites(ctx.outline)) {
    for (const ref of referencesIn(site.text)) {
      const finding = checkReference(ref, site, ctx);
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

function checkReference(ref: Reference, site: TemplateSite, { outline, catalog }: RuleContext): Finding | undefined {
  const at = { needle: ref.raw };
  const unresolved = (code: string, message: string, hint: string) =>
    site.lenient
      ? warning(code, site.pointer, message, `${hint} Scripts may hold literal {{ }}; ignore this if it is not meant as a reference.`, at)
      : error(code, site.pointer, message, hint, at);
  const parameters = Object.keys(outline.parameters);
  const variables = Object.keys(outline.variables);
  switch (ref.kind) {
    case 'parameter': {
      if (Object.hasOwn(outline.parameters, ref.name)) return undefined;
      if (PSEUDO_PARAMETERS.includes(ref.name)) {
        return warning(
          'pseudo-parameter',
          site.pointer,
          `${ref.raw} is a Maintenance Windows pseudo-parameter: only a maintenance window task fills it in.`,
          `Declare a parameter ${ref.name} to run the runbook on its own.`,
          at,
        );
      }
      const hint = outline.byName.has(ref.name)
        ? `To use an output of step "${ref.name}", write {{ ${ref.name}.OutputName }}.`
        : Object.hasOwn(outline.variables, ref.name)
          ? `To read the variable, write {{ variable:${ref.name} }}.`
          : 'Declare it under parameters.';
      return unresolved(
        'undefined-reference',
        `${ref.raw} refers to parameter "${ref.name}", which is not declared.${didYouMean(ref.name, parameters)}`,
        hint,
      );
    }
    case 'variable':
      if (Object.hasOwn(outline.variables, ref.name)) return undefined;
      return unresolved(
        'undefined-reference',
        `${ref.raw} refers to variable "${ref.name}", which is not declared.${didYouMean(ref.name, variables)}`,
        variables.length ? `Declared variables: ${listWords(variables, 'and')}.` : 'Declare it under variables.',
      );
    case 'step': {
      const producer = outline.byName.get(ref.step);
      if (!producer) {
        const asParameter = Object.hasOwn(outline.parameters, ref.step) ? ` "${ref.step}" is a parameter; parameters have no outputs.` : '';
        return unresolved(
          'undefined-reference',
          `${ref.raw} refers to step "${ref.step}", which does not exist.${asParameter}${didYouMean(ref.step, outline.byName.keys())}`,
          'Step names are case-sensitive.',
        );
      }
      const outputs = outputsOf(producer, catalog);
      if (!outputs || outputs.has(ref.output)) return undefined;
      const known = [...outputs].sort();
      return unresolved(
        'unknown-output',
        `${ref.raw}: step "${ref.step}" has no output "${ref.output}".${didYouMean(ref.output, known)}`,
        known.length
          ? `Its outputs are ${listWords(known, 'and')}.`
          : `It has none; declare one under its outputs: with a Name and a Selector.`,
      );
    }
    case 'global':
      if ((GLOBAL_NAMES as readonly string[]).includes(ref.name)) return undefined;
      return unresolved(
        'unknown-builtin',
        `${ref.raw} is not a known global value.${didYouMean(ref.name, GLOBAL_NAMES)}`,
        `Known: ${GLOBAL_NAMES.map((n) => `global:${n}`).join(', ')}.`,
      );
    case 'automation':
      if ((AUTOMATION_NAMES as readonly string[]).includes(ref.name)) return undefined;
      return unresolved(
        'unknown-builtin',
        `${ref.raw} is not a known automation value.${didYouMean(ref.name, AUTOMATION_NAMES)}`,
        `Known: ${AUTOMATION_NAMES.map((n) => `automation:${n}`).join(', ')}.`,
      );
    case 'ssm':
      return unresolved(
        'ssm-reference',
        `${ref.raw} reads Parameter Store, which AWS allows only as a parameter default.`,
        `Declare a parameter whose default is {{ ssm:${ref.path} }} and refer to that parameter.`,
      );
    case 'ssm-secure':
      return checkSecureReference(ref.raw, site, catalog);
  }
}

function checkSecureReference(raw: string, site: TemplateSite, catalog: ActionCatalog): Finding | undefined {
  const at = { needle: raw };
  const where = secureReferenceSites(catalog);
  if (!site.step) {
    return error(
      'secure-reference',
      site.pointer,
      `${raw} cannot be the assumeRole: the role is resolved by the workflow, and a SecureString's value must never reach it.`,
      'Give the role ARN as it is, or through a parameter.',
      at,
    );
  }
  const action = site.step.action;
  const info = action === undefined ? undefined : catalog[action];
  if (action === undefined || !info || (site.input !== undefined && acceptsSecureReference(info, site.input))) return undefined;
  const label = stepLabel(site.step);
  const accepted = describeSecureInputs(info);
  if (accepted) {
    return error(
      'secure-reference',
      site.pointer,
      `${raw} in input ${site.input} of ${label}: ${action} takes SecureString references only in ${accepted}, where the value is read just before it leaves Drover.`,
      action === 'aws:executeScript' ? "Pass it in InputPayload and read it from the handler's events argument." : `SecureString references work in ${where}.`,
      at,
    );
  }
  return error(
    'secure-reference',
    site.pointer,
    `${raw} in ${label}: ${action} cannot take a SecureString reference, since its inputs are used by the workflow or written to a log, where a secret must never be.`,
    `SecureString references work in ${where}.`,
    at,
  );
}

/** `the request of aws:executeAwsApi and …, the InputPayload of aws:executeScript, …`, from the catalog. */
function secureReferenceSites(catalog: ActionCatalog): string {
  const byInputs = new Map<string, string[]>();
  for (const [name, info] of Object.entries(catalog)) {
    const inputs = describeSecureInputs(info, true);
    if (!inputs) continue;
    const key = inputs.startsWith('the ') ? inputs : `the ${inputs}`;
    byInputs.set(key, [...(byInputs.get(key) ?? []), name]);
  }
  return [...byInputs].map(([inputs, actions]) => `${inputs} of ${listWords(actions, 'and')}`).join('; ');
}
