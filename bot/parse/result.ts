/**
 * A parsed answer is a value, not an exception (grammY conversations' form.ts): the dialog
 * re-asks with the error's hint. Exceptions are for bugs.
 */
export type ParseError =
  | 'empty'
  | 'too_long'
  | 'not_a_number'
  | 'negative'
  | 'too_large'
  | 'not_whole'
  | 'not_yes_no'
  | 'not_an_option';

export type Parsed<T> =
  | { ok: true; value: T; approximate?: boolean; range?: [number, number] }
  | { ok: false; error: ParseError };

export const fail = <T>(error: ParseError): Parsed<T> => ({ ok: false, error });
