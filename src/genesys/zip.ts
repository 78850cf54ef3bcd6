// A small, strict zip reader for Architect export downloads (several flows come back as one zip). It reads the central
// directory, supports the two methods exports use (stored and deflate) and verifies sizes and CRC-32, so a truncated or
// tampered download is an error rather than a half-read flow. No zip64, no encryption: those are refused by name.
import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;
/** Guard against zip bombs: exports are a few hundred KB of YAML per flow. */
const MAX_TOTAL_BYTES = 200 * 1024 * 1024;

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && (buf.readUInt32LE(0) === LFH_SIG || buf.readUInt32LE(0) === EOCD_SIG);
}

function findEocd(buf: Buffer): number {
  // The end-of-central-directory record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) return i;
  }
  throw new ZipError('not a zip archive: end of central directory not found');
}

function safeName(name: string): string {
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n) || n.split('/').includes('..')) {
    throw new ZipError(`zip entry "${name}" has an absolute or parent-relative path`);
  }
  return n;
}

/** Every file in the archive (directories skipped), in central-directory order. */
export function readZip(buf: Buffer): ZipEntry[] {
  if (buf.length < 22) throw new ZipError('not a zip archive: too short');
  const eocd = findEocd(buf);
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    throw new ZipError('zip64 archives are not supported');
  }
  if (cdOffset + cdSize > eocd) throw new ZipError('corrupt zip: central directory outside the archive');

  const entries: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CDH_SIG)
      throw new ZipError(`corrupt zip: bad central header ${i}`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const rawName = buf.subarray(p + 46, p + 46 + nameLen);
    // Bit 11: UTF-8 names; otherwise CP437, which for ASCII names is the same.
    const name = (flags & 0x800) !== 0 ? rawName.toString('utf8') : rawName.toString('latin1');
    p += 46 + nameLen + extraLen + commentLen;

    if (name.endsWith('/')) continue;
    if ((flags & 0x1) !== 0) throw new ZipError(`zip entry "${name}" is encrypted`);
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LFH_SIG) {
      throw new ZipError(`corrupt zip: bad local header for "${name}"`);
    }
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (dataStart + compSize > buf.length) throw new ZipError(`corrupt zip: "${name}" is truncated`);
    total += size;
    if (total > MAX_TOTAL_BYTES) throw new ZipError('zip expands beyond 200 MB; refusing');
    const comp = buf.subarray(dataStart, dataStart + compSize);

    let data: Buffer;
    if (method === 0) data = Buffer.from(comp);
    else if (method === 8) {
      try {
        data = inflateRawSync(comp, { maxOutputLength: Math.max(1, size) });
      } catch (e) {
        throw new ZipError(`corrupt zip: "${name}" does not inflate (${(e as Error).message})`);
      }
    } else
      throw new ZipError(
        `zip entry "${name}" uses compression method ${method}; only stored and deflate are supported`
      );

    if (data.length !== size) throw new ZipError(`corrupt zip: "${name}" is ${data.length} bytes, expected ${size}`);
    if (crc32(data) >>> 0 !== crc) throw new ZipError(`corrupt zip: CRC mismatch for "${name}"`);
    entries.push({ name: safeName(name), data });
  }
  return entries;
}
