// schemaVersion decides the layout: 1.2 lists plugins under runtimeConfig, 2.x steps under
// mainSteps. A number (YAML's `2.2` unquoted) and an Automation version get their own words.
import { error, type Finding } from '../../finding';
import { COMMAND_SCHEMA_VERSIONS } from '../../../schemas/command-document-schema';
import { didYouMean, listWords } from '../../../lang/suggest';
import type { CommandRuleContext } from './context';

export function checkSections({ outline }: CommandRuleContext): Finding[] {
  const { doc } = outline;
  const version = doc.schemaVersion;
  const versions = listWords(COMMAND_SCHEMA_VERSIONS.map((v) => `'${v}'`));
  if (version === undefined) return []; // the schema reports the missing property
  if (typeof version === 'number') {
    return [
      error(
        'invalid-type',
        '/schemaVersion',
        `schemaVersion must be a string, not the number ${version}.`,
        `Quote it: schemaVersion: '${COMMAND_SCHEMA_VERSIONS.includes(String(version) as never) ? String(version) : '2.2'}'.`,
      ),
    ];
  }
  if (typeof version !== 'string' || !COMMAND_SCHEMA_VERSIONS.includes(version as never)) {
    const runbook = version === '0.3' ? " '0.3' is an Automation runbook's version: run it with `drover run`." : didYouMean(String(version), [...COMMAND_SCHEMA_VERSIONS]);
    return [error('invalid-value', '/schemaVersion', `A Command document's schemaVersion is ${versions}, not ${JSON.stringify(version)}.${runbook}`)];
  }
  if (version === '1.2' && 'mainSteps' in doc) {
    return [
      error('misplaced-section', '/mainSteps', 'A schemaVersion 1.2 document lists its plugins under runtimeConfig, not mainSteps.', "Use schemaVersion: '2.2' for mainSteps.", {
        at: 'key',
      }),
    ];
  }
  if (version !== '1.2' && 'runtimeConfig' in doc) {
    return [
      error('misplaced-section', '/runtimeConfig', `A schemaVersion ${version} document lists its steps under mainSteps; runtimeConfig belongs to schemaVersion 1.2.`, undefined, {
        at: 'key',
      }),
    ];
  }
  return [];
}
