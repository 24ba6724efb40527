/**
 * A lowdb adapter that makes a write survive power loss, not only a crash.
 *
 * lowdb's own JSONFile (steno) renames a temp file over the data file without fsync: after a
 * SIGKILL the file parses, but power loss can leave it empty (RELIABILITY.md). Here each write:
 *   1. writes the whole JSON to `.NAME.tmp` with mode 0600 (personal data: owner only),
 *   2. fsyncs it, 3. renames it over NAME, 4. fsyncs the directory so the rename is durable.
 * Reading validates the file with the caller's zod schema and refuses a file that is empty,
 * truncated, NUL-filled, `null` or the wrong shape, naming the path: never silent defaults.
 * An optional codec changes the data on its way to and from disk (personal fields encrypted,
 * field-cipher.ts); a value it cannot decode (missing or wrong key) stops the read too.
 */
import { constants } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import { DataKeyError, StoreFileError } from './store-errors.ts';

export interface FileCodec<T> {
  toDisk(data: T): unknown;
  /** Throws an Error saying why a value cannot be read. */
  fromDisk(data: unknown): unknown;
}

export class DurableJsonFile<T> implements Adapter<T> {
  readonly tempFile: string;

  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
    /** false: atomic (temp + rename) but not fsync'd — for progress that can be redone. */
    private readonly sync = true,
    private readonly codec?: FileCodec<T>,
  ) {
    this.tempFile = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<T | null> {
    // A temp file left by a killed write holds personal data and is never the newest good copy.
    await rm(this.tempFile, { force: true });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreFileError(this.file, `cannot be read: ${(e as Error).message}`);
    }
    let data: unknown;
    let polluting = false;
    try {
      // A "__proto__" key would set a prototype when copied, not a property: refuse the file.
      data = JSON.parse(text, (key, value) => {
        if (key === '__proto__') polluting = true;
        return value;
      });
    } catch (e) {
      const why =
        text.length === 0
          ? 'is empty'
          : text.includes('\u0000')
            ? 'contains NUL bytes'
            : `is not valid JSON (${(e as Error).message})`;
      throw new StoreFileError(this.file, why);
    }
    if (polluting) throw new StoreFileError(this.file, 'has the wrong shape: it contains a "__proto__" key');
    if (this.codec) {
      try {
        data = this.codec.fromDisk(data);
      } catch (e) {
        throw new DataKeyError(this.file, (e as Error).message);
      }
    }
    const parsed = this.schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new StoreFileError(
        this.file,
        `has the wrong shape at "${issue.path.join('.') || '(root)'}": ${issue.message}`,
      );
    }
    return parsed.data;
  }

  async write(data: T): Promise<void> {
    const text = JSON.stringify(this.codec ? this.codec.toDisk(data) : data);
    const handle = await open(
      this.tempFile,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC,
      0o600,
    );
    try {
      await handle.writeFile(text, 'utf8');
      if (this.sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.tempFile, this.file);
    if (!this.sync) return;
    const dir = await open(dirname(this.file), constants.O_RDONLY);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
