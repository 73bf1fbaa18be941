// The Command document a command runs, by name, compiled to a plan: AWS's well-known ones
// built in, custom ones from the documents folder. Agents get the plan with each invocation.
import type { CommandDocumentPlan } from '../../agent/protocol';
import { CommandDocumentInvalidError, findCommandDocument } from '../../compiler/command/find-document';
import { actionFailed } from '../errors';

export interface DocumentSource {
  /** The compiled document, undefined when there is none by that name; throws with diagnostics when it does not compile. */
  find(name: string): Promise<CommandDocumentPlan | undefined>;
}

export function createLoadDocument(documents: DocumentSource) {
  return async function loadDocument({ name }: { name: string }): Promise<CommandDocumentPlan> {
    let plan: CommandDocumentPlan | undefined;
    try {
      plan = await documents.find(name);
    } catch (err) {
      throw actionFailed(`Command document ${name} cannot be used: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!plan) throw actionFailed(`no Command document named ${name}: Drover has AWS-RunShellScript and AWS-RunPatchBaseline built in, and custom documents in its documents folder`);
    return plan;
  };
}

/** Built-in documents and the documents folders (DROVER_DOCUMENTS, else ./documents). */
export function defaultDocumentSource(dirs?: readonly string[]): DocumentSource {
  return {
    async find(name) {
      const found = await findCommandDocument(name, dirs);
      if (!found) return undefined;
      if (!found.plan) throw new CommandDocumentInvalidError(found.diagnostics.filter((d) => d.severity === 'error'));
      return found.plan;
    },
  };
}
