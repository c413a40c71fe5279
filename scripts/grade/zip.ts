import { deflateRawSync } from 'node:zlib';

/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3: deflate, UTF-8 names, Unix modes, no ZIP64), so that
 * `gradcheck autograder` needs neither the `zip` program nor a package. Entries carry a fixed
 * timestamp (1980-01-01), so the same files always give the same bytes.
 */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  name: string;
  data: Uint8Array;
  /** Unix permission bits, e.g. 0o755 for a script Gradescope executes. */
  mode: number;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const UTF8_NAMES = 0x0800;
const DEFLATE = 8;
const VERSION = 20;
const MADE_ON_UNIX = 3 << 8;
const DOS_DATE_1980_01_01 = (1 << 5) | 1;
const REGULAR_FILE = 0o100000;
const LIMIT = 0xffffffff;

/** Little-endian fields of the given byte widths, as one buffer. */
function fields(values: ReadonlyArray<readonly [number, 2 | 4]>): Buffer {
  const out = Buffer.alloc(values.reduce((a, [, w]) => a + w, 0));
  let at = 0;
  for (const [v, w] of values) at = w === 2 ? out.writeUInt16LE(v, at) : out.writeUInt32LE(v, at);
  return out;
}

/** The archive's bytes. Refuses what needs ZIP64 (65,535 entries or 4 GiB), naming the limit. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  if (entries.length > 0xffff) throw new Error(`zip: at most 65535 entries without ZIP64, got ${entries.length}`);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, mode } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = deflateRawSync(data);
    if (data.length > LIMIT || offset > LIMIT) throw new Error(`zip: ${name}: archives over 4 GiB need ZIP64`);
    // The fields the local header and the central directory share: version needed, flags, method,
    // time, date, CRC-32, compressed and uncompressed size, name length, extra field length.
    const common: Array<readonly [number, 2 | 4]> = [
      [VERSION, 2],
      [UTF8_NAMES, 2],
      [DEFLATE, 2],
      [0, 2],
      [DOS_DATE_1980_01_01, 2],
      [crc32(data), 4],
      [packed.length, 4],
      [data.length, 4],
      [nameBytes.length, 2],
      [0, 2],
    ];
    const local = Buffer.concat([fields([[0x04034b50, 4], ...common]), nameBytes, packed]);
    const attributes = ((REGULAR_FILE | (mode & 0o7777)) << 16) >>> 0;
    // Central directory: signature, made by, the shared fields, comment length, disk, internal and external attributes, offset.
    centrals.push(
      Buffer.concat([fields([[0x02014b50, 4], [MADE_ON_UNIX | VERSION, 2], ...common, [0, 2], [0, 2], [0, 2], [attributes, 4], [offset, 4]]), nameBytes]),
    );
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  if (offset + directory.length > LIMIT) throw new Error('zip: archives over 4 GiB need ZIP64');
  // End of central directory: signature, disk numbers, entries (on this disk, in all), directory size and offset, comment length.
  const end = fields([
    [0x06054b50, 4],
    [0, 2],
    [0, 2],
    [entries.length, 2],
    [entries.length, 2],
    [directory.length, 4],
    [offset, 4],
    [0, 2],
  ]);
  return Buffer.concat([...locals, directory, end]);
}
