/**
 * The stored ZIP writer: CRC-32 against the standard check values (independent of this code), and the
 * archive's records where APPNOTE puts them. numpy reading a whole `.npz` is checked in the browser test of
 * the export (e2e/export.spec.ts) with Debian's python3-numpy.
 */
import { describe, expect, it } from 'vitest';
import { crc32, storedZip } from './zip';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('zip', () => {
  it('CRC-32 gives the published check values', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('stores each member after its local header and lists it in the central directory', () => {
    const a = ascii('hello'), b = Uint8Array.from([0, 255, 7]);
    const zip = storedZip([{ name: 'a.txt', bytes: a }, { name: 'dir/b.bin', bytes: b }]);
    const v = new DataView(zip.buffer);
    // End record: the last 22 bytes.
    const end = zip.length - 22;
    expect(v.getUint32(end, true)).toBe(0x06054b50);
    expect(v.getUint16(end + 10, true)).toBe(2);
    const centralAt = v.getUint32(end + 16, true);
    expect(centralAt + v.getUint32(end + 12, true)).toBe(end);
    const members: { name: string; bytes: number[] }[] = [];
    let at = centralAt;
    for (let i = 0; i < 2; i++) {
      expect(v.getUint32(at, true)).toBe(0x02014b50);
      const nameLen = v.getUint16(at + 28, true), local = v.getUint32(at + 42, true), size = v.getUint32(at + 20, true);
      const name = String.fromCharCode(...zip.subarray(at + 46, at + 46 + nameLen));
      expect(v.getUint32(local, true)).toBe(0x04034b50);
      expect(v.getUint16(local + 8, true)).toBe(0); // stored
      const data = zip.subarray(local + 30 + nameLen, local + 30 + nameLen + size);
      expect(v.getUint32(at + 16, true)).toBe(crc32(data));
      members.push({ name, bytes: Array.from(data) });
      at += 46 + nameLen;
    }
    expect(members).toEqual([{ name: 'a.txt', bytes: Array.from(a) }, { name: 'dir/b.bin', bytes: [0, 255, 7] }]);
    expect(() => storedZip([{ name: 'é.npy', bytes: a }])).toThrow(/printable ASCII/);
  });
});
