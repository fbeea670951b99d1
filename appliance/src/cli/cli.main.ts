/**
 * The `api-radar` command line: dispatches to sub-commands and turns expected errors into one clear line and a
 * non-zero exit code (2 for usage errors, 1 for unreadable input), never a stack trace.
 */
import { runAnalyze, ANALYZE_USAGE } from './analyze.command.ts';
import { InputError, UsageError } from './cli.errors.ts';
import { CaptureFormatError } from '../engine/source/capture-file.reader.ts';

const USAGE = `usage: api-radar <command> [options]

commands:
  analyze <capture>   analyze a pcap/pcapng file offline (api-radar analyze --help)
`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(USAGE);
      return cmd === undefined ? 2 : 0;
    }
    if (cmd === 'analyze') {
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(`${ANALYZE_USAGE}\n`);
        return 0;
      }
      return await runAnalyze(rest);
    }
    throw new UsageError(`unknown command "${cmd}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`api-radar: ${err.message}\n${cmd === 'analyze' ? ANALYZE_USAGE : USAGE}\n`);
      return 2;
    }
    if (err instanceof CaptureFormatError || err instanceof InputError) {
      process.stderr.write(`api-radar: ${err.message}\n`);
      return 1;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      process.stderr.write(`api-radar: ${e.message}\n`);
      return 1;
    }
    throw err;
  }
}
