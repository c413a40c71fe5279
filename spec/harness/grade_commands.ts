import { Command } from 'commander';
import { registerGradeCommands } from '../../scripts/grade/commands';

/**
 * The grade commands (grade, merge, assignment, autograder) parsed in this process, as scripts/cli.ts
 * registers them: for refusals that come before any work, without a command line's start-up time.
 * Resolves when the command is done; rejects with the error the user would read.
 */
export function parseGradeCommands(args: string[]): Promise<unknown> {
  const program = new Command('gradcheck').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerGradeCommands(program);
  return program.parseAsync(args, { from: 'user' });
}
