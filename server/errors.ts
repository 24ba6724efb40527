/**
 * Expected failures of a request, as values the error middleware turns into JSON with a
 * stable code and a message in the caller's language (locales: api.errors.<code>).
 */
import type { InputIssue } from '../rules/engine/household.ts';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly issues: InputIssue[] = [],
  ) {
    super(code);
    this.name = 'AppError';
  }
}
