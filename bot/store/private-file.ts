/**
 * Files only the server's user may read (keys, data): the directory 0700 and the file 0600,
 * set explicitly because a file or directory that already exists keeps its old mode when
 * opened or "made" again, and the umask may be looser. Written durably (fsync), since a key
 * acknowledged and then lost on power failure would lose the data it encrypts or signs.
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';

/** Makes the directory if missing, and narrows it to 0700 if it was wider. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Writes the whole text to the file (0600), fsync'd before it returns. */
export function writePrivateFile(file: string, text: string): void {
  const fd = openSync(file, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(file, 0o600);
}

/** Makes a rename or a new file in the directory survive power loss. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
