// The first bytes of a fleet file, cut at a line end (the fleet's rows hold no line
// breaks): what the bench's one-thread measurements (floor, writer alone) run over.
import fs from 'node:fs';

export const HEAD_BYTES = 64 * 1024 * 1024;

export function fileHead(file: string, bytes = HEAD_BYTES): Buffer {
  const raw = Buffer.alloc(bytes);
  const fd = fs.openSync(file, 'r');
  try {
    const got = fs.readSync(fd, raw, 0, bytes, 0);
    return raw.subarray(0, raw.lastIndexOf(0x0a, got - 1) + 1);
  } finally {
    fs.closeSync(fd);
  }
}
