import { createInterface } from 'node:readline/promises';

/**
 * Asks a yes/no question on the terminal (stderr, so stdout stays the command's output); only
 * `y` or `yes`, in any case, is a yes: anything else, an empty line included, is the default no.
 */
export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
