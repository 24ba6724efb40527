/** A data file that cannot be used: the path and the reason, for the operator. */
export class StoreFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} ${reason}. The assistant will not start on it: restore it from a backup or move it away.`);
    this.name = 'StoreFileError';
  }
}

/** Another process owns the data directory (lowdb loses ~50% of updates with two writers). */
export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dir} is in use by another running assistant (process ${pid}). Stop it first, or use another DATA_DIR.`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** An id that could pollute prototypes or escape a file name is refused before it is stored. */
export class InvalidIdError extends Error {
  constructor(readonly id: string) {
    super(`invalid record id ${JSON.stringify(id.slice(0, 40))}`);
    this.name = 'InvalidIdError';
  }
}

/**
 * A durable write failed (disk full, I/O error, read-only disk): the change was undone in
 * memory, so nothing unsaved was reported as saved. Callers tell the person to try again later.
 */
export class StoreWriteError extends Error {
  constructor(
    readonly collection: string,
    override readonly cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    super(
      `could not write the ${collection} store${code ? ` (${code})` : ''}: ${(cause as Error)?.message ?? cause}`,
    );
    this.name = 'StoreWriteError';
  }
}

/**
 * Encrypted personal data that this start-up cannot read: the key is missing, another key was
 * given, or the value was altered (GCM refuses it). Never run on without it.
 */
export class DataKeyError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `${file} ${reason}. The assistant will not start without the right data key: set DATA_KEY, or restore DATA_DIR/keys/data.key from your backup (README, "Encryption at rest").`,
    );
    this.name = 'DataKeyError';
  }
}

/**
 * The database's schema was migrated by a newer release than this one: running on would write
 * records the newer code may not read. Start the newer release, or restore the database.
 */
export class StoreSchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `The database schema is at version ${databaseVersion}, but this release of the assistant knows versions up to ${codeVersion}. A newer release migrated it: run that release (or newer), or restore the database from a backup taken before the upgrade.`,
    );
    this.name = 'StoreSchemaTooNewError';
  }
}

/**
 * A record was given a unique key (a referral's idempotency key) that another record holds.
 * A unique key is a promise (`insertDurably` answers the holder's id for it), so it is never
 * moved silently: the write is refused on every store and nothing changes. The key itself is
 * not named (it is derived from personal data).
 */
export class UniqueKeyTakenError extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`${collection}/${id}: its unique key is held by another record; nothing was written`);
    this.name = 'UniqueKeyTakenError';
  }
}
