/**
 * `screen … | head` closes the pipe after the first lines. Node then reports EPIPE on stdout
 * (an 'error' event, or a rejected 'drain' wait), which used to end in a stack trace and exit
 * 70. The reader has all it wanted, so the CLI stops quietly with 0, as shell tools do, and
 * does not screen the rest for nobody.
 */
import type { Writable } from 'node:stream';

export function exitQuietlyOnEpipe(stream: Writable = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
