/**
 * Structured logs (pino). Personal data never reaches a log line: known fields are redacted,
 * and request bodies are not logged at all.
 */
import pino, { type Logger } from 'pino';

export const redactedPaths = [
  '*.name',
  '*.phone',
  '*.idNumber',
  '*.answers',
  'req.headers.cookie',
  'req.headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: undefined },
    destination,
  );
}
