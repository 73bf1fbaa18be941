// What every Command-document rule sees: the lenient outline. Rules are pure and never throw.
import type { Finding } from '../../finding';
import type { CommandOutline } from '../outline';

export interface CommandRuleContext {
  outline: CommandOutline;
}

export type CommandRule = (ctx: CommandRuleContext) => Finding[];
