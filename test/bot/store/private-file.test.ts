import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsyncDir, privateDir, writePrivateFile } from '../../../bot/store/private-file.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'private-file-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe('privateDir', () => {
  it('makes a missing directory 0700, parents included', () => {
    const dir = join(root, 'a', 'keys');
    privateDir(dir);
    expect(mode(dir)).toBe(0o700);
  });
  it('narrows a directory that already exists with a wider mode', () => {
    const dir = join(root, 'keys');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    privateDir(dir);
    expect(mode(dir)).toBe(0o700);
  });
});

describe('writePrivateFile', () => {
  it('writes the whole text, 0600', () => {
    const file = join(root, 'k');
    writePrivateFile(file, 'secret\n');
    expect(readFileSync(file, 'utf8')).toBe('secret\n');
    expect(mode(file)).toBe(0o600);
  });
  it('replaces a file that was readable by others, and narrows it to 0600', () => {
    const file = join(root, 'k');
    writeFileSync(file, 'old, longer text');
    chmodSync(file, 0o644);
    writePrivateFile(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(mode(file)).toBe(0o600);
  });
});

describe('fsyncDir', () => {
  it('syncs an existing directory and throws for a missing one', () => {
    expect(() => fsyncDir(root)).not.toThrow();
    expect(() => fsyncDir(join(root, 'missing'))).toThrow(/ENOENT/);
  });
});
