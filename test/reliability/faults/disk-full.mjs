/**
 * A full disk, injected into a really started server with `--import` (the server's own code is
 * unchanged). While the file named by FAULT_DISK_FULL exists, every write through a FileHandle —
 * how the store writes its files (bot/store/durable-json-file.ts) — writes half its data and then
 * fails with ENOSPC, as a disk that fills up mid-write does. Removing the file frees the disk.
 * Plain JavaScript, so it loads before tsx.
 */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';

const flag = process.env.FAULT_DISK_FULL;
if (flag) {
  const probe = await open(new URL(import.meta.url), 'r');
  const handle = Object.getPrototypeOf(probe);
  await probe.close();
  const noSpace = () =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
  const writeFile = handle.writeFile;
  handle.writeFile = async function (data, options) {
    if (!existsSync(flag)) return writeFile.call(this, data, options);
    const half =
      typeof data === 'string'
        ? data.slice(0, data.length >> 1)
        : Buffer.from(data).subarray(0, data.length >> 1);
    await writeFile.call(this, half, options);
    throw noSpace();
  };
  const write = handle.write;
  handle.write = async function (...args) {
    if (existsSync(flag)) throw noSpace();
    return write.apply(this, args);
  };
}
