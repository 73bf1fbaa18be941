// Outline → CommandDocumentPlan: plain data with parameters converted to their types and
// one entry per plugin in run order; the content hash covers everything else.
import type { CommandDocumentPlan, CommandParameterSpec, CommandPluginPlan } from '../../agent/protocol';
import { coerceParameter } from '../../lang/parameters';
import { canonicalJson, sha256Hex } from '../hash';
import { asString } from '../outline';
import { parameterSpecOf } from '../parameter-spec';
import type { CommandOutline } from './outline';

export function emitCommandPlan(outline: CommandOutline, name: string): CommandDocumentPlan {
  const parameters: Record<string, CommandParameterSpec> = {};
  for (const [param, raw] of Object.entries(outline.parameters)) {
    const spec = parameterSpecOf(raw);
    if (!spec) continue;
    const out: CommandParameterSpec = { ...(spec as CommandParameterSpec) };
    if ('default' in raw) {
      const coerced = coerceParameter(spec, raw.default);
      if ('value' in coerced) out.default = coerced.value;
    }
    if (raw.interpolationType === 'ENV_VAR') out.interpolationType = 'ENV_VAR';
    parameters[param] = out;
  }
  const legacy = outline.schemaVersion === '1.2';
  const plugins: CommandPluginPlan[] = outline.plugins.map((p) => {
    const { id: _id, ...inputs } = p.inputs;
    const operands = p.precondition?.StringEquals;
    return {
      name: legacy ? p.action! : p.name!,
      action: p.action!,
      inputs: legacy ? inputs : p.inputs,
      ...(Array.isArray(operands) && operands.length === 2 ? { precondition: { StringEquals: [String(operands[0]), String(operands[1])] as [string, string] } } : {}),
      ...(legacy && p.id ? { id: p.id } : {}),
    };
  });
  const description = asString(outline.doc.description);
  const body = {
    name,
    schemaVersion: outline.schemaVersion as CommandDocumentPlan['schemaVersion'],
    ...(description !== undefined ? { description } : {}),
    parameters,
    plugins,
  };
  return { ...body, hash: sha256Hex(canonicalJson(body)) };
}
