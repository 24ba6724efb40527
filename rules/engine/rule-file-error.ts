/** A rule file that cannot be used: names the file and the field so an admin can fix it. */
export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field || '(file)'}: ${problem}`);
    this.name = 'RuleFileError';
  }
}
