/**
 * Starts a server script as a child process and waits for the log line that reports its port
 * ({"port": N}). Tests and benchmarks talk to a really started server, never an in-process app.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Started {
  child: ChildProcess;
  base: string;
  /** Everything it has printed so far (stdout and stderr). */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * @param keepOutput false: after start-up, drain the server's output without keeping it
 *   (a long soak logs a line per request; keeping them all would be the leak).
 */
export function startServer(
  script: string,
  env: Record<string, string> = {},
  keepOutput = true,
  /** Extra node flags (V8 flags such as --trace-gc are not allowed in NODE_OPTIONS). */
  nodeArgs: string[] = [],
): Promise<Started> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (c: Buffer) => {
    out += c.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  return new Promise((resolve, reject) => {
    const ready = () => {
      const port = /"port":(\d+)/.exec(out)?.[1];
      if (!port) return;
      child.stdout!.off('data', ready);
      if (!keepOutput) {
        child.stdout!.off('data', collect);
        child.stderr!.off('data', collect);
        child.stdout!.resume();
        child.stderr!.resume();
      }
      resolve({ child, base: `http://127.0.0.1:${port}`, output: () => out, stop });
    };
    child.stdout!.on('data', ready);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${out}`)));
  });
}
