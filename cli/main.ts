// drover: the front door for runbook authors and operators.
// Exit codes: 0 success, 1 invalid runbook or failed execution, 2 usage error.
import { Command, CommanderError } from 'commander';
import { EXIT, reportError } from './errors';
import { registerValidateCommands } from './commands/validate';
import { registerRunCommands } from './commands/run';
import { registerDecisionCommands } from './commands/decide';
import { registerWorkerCommand } from './commands/worker';
import { registerDevCommand } from './commands/dev';
import { registerRunCommandCommands } from './commands/send-command';
import { registerAgentCommands } from './commands/agent';
import { registerPatchCommands } from './commands/patch';
import { registerCodecServerCommand } from './commands/codec-server';
import { registerWindowCommands } from './commands/windows';
import { registerEventCommands } from './commands/events';

const program = new Command('drover')
  .description('Durable runbook automation: SSM Automation runbooks on Temporal')
  .showHelpAfterError()
  .exitOverride();

registerValidateCommands(program);
registerRunCommands(program);
registerDecisionCommands(program);
registerWorkerCommand(program);
registerDevCommand(program);
registerRunCommandCommands(program);
registerAgentCommands(program);
registerPatchCommands(program);
registerCodecServerCommand(program);
registerWindowCommands(program);
registerEventCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
    process.exitCode = ok ? EXIT.ok : EXIT.usage;
  } else {
    process.exitCode = reportError(err);
  }
}
