// A lenient view of a Command document for the semantic rules, which run even when the
// schema found problems: a field of the wrong type reads as absent. 1.2 plugins
// (runtimeConfig) and 2.x steps (mainSteps) become one list of plugins in run order.
import { joinPointer } from '../finding';
import { asRecord, asString, type Json } from '../outline';

export interface PluginOutline {
  /** The step name (2.x), or the plugin name (1.2). */
  name?: string;
  action?: string;
  /** 1.2: the property's `id` (or `<index>.<plugin>`). */
  id?: string;
  inputs: Json;
  precondition?: Json;
  /** The step (2.x) or the property (1.2). */
  pointer: string;
  /** Where the inputs are: `<step>/inputs` (2.x) or the property itself (1.2). */
  inputsPointer: string;
  /** Where the plugin is named: the step's `action` (2.x) or the runtimeConfig key (1.2). */
  actionPointer: string;
}

export interface CommandOutline {
  doc: Json;
  schemaVersion?: string;
  parameters: Record<string, Json>;
  plugins: PluginOutline[];
}

export function outlineCommandDocument(value: unknown): CommandOutline {
  const doc = asRecord(value) ?? {};
  const parameters: Record<string, Json> = {};
  for (const [name, raw] of Object.entries(asRecord(doc.parameters) ?? {})) {
    const spec = asRecord(raw);
    if (spec) parameters[name] = spec;
  }
  const version = doc.schemaVersion;
  const outline: CommandOutline = {
    doc,
    schemaVersion: typeof version === 'number' ? String(version) : asString(version),
    parameters,
    plugins: [],
  };
  if (outline.schemaVersion === '1.2') {
    for (const [plugin, config] of Object.entries(asRecord(doc.runtimeConfig) ?? {})) {
      const properties = asRecord(config)?.properties;
      if (!Array.isArray(properties)) continue;
      const base = joinPointer('/runtimeConfig', plugin);
      properties.forEach((item, index) => {
        const inputs = asRecord(item);
        if (!inputs) return;
        const pointer = joinPointer(base, 'properties', index);
        outline.plugins.push({
          name: plugin,
          action: plugin,
          id: asString(inputs.id) ?? `${index}.${plugin}`,
          inputs,
          pointer,
          inputsPointer: pointer,
          actionPointer: base,
        });
      });
    }
  } else if (Array.isArray(doc.mainSteps)) {
    doc.mainSteps.forEach((item, index) => {
      const step = asRecord(item);
      if (!step) return;
      const pointer = joinPointer('/mainSteps', index);
      const precondition = asRecord(step.precondition);
      outline.plugins.push({
        name: asString(step.name),
        action: asString(step.action),
        inputs: asRecord(step.inputs) ?? {},
        ...(precondition ? { precondition } : {}),
        pointer,
        inputsPointer: joinPointer(pointer, 'inputs'),
        actionPointer: joinPointer(pointer, 'action'),
      });
    });
  }
  return outline;
}
