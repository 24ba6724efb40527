/**
 * The screening CLI (rules/cli/screen.ts) as a user runs it: a real child process. Resolves
 * with its exit code and everything it printed, whatever the exit code (the tests check it).
 */
import { spawn } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * @param stdin what the CLI reads as standard input ("-" as the file); empty by default
 * @param nodeArgs node flags before the script (e.g. a small --max-old-space-size)
 */
export function screenCli(args: string[], stdin = '', nodeArgs: string[] = []): Promise<CliRun> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'rules/cli/screen.ts', ...args], {
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
  });
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}
