/**
 * A ZIP archive with every member stored uncompressed — what numpy's `.npz` is (`numpy.savez` writes the
 * same: one `.npy` per array, no compression). Enough of PKWARE's APPNOTE for that: local headers, the
 * central directory and its end record, CRC-32 per member; no ZIP64 (members and archive under 4 GB).
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, reflected, as ZIP and PNG use it). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  /** ASCII path inside the archive. */
  name: string;
  bytes: Uint8Array;
}

/** The bytes of a ZIP archive holding `entries` stored (method 0), in order. */
export function storedZip(entries: ZipEntry[]): Uint8Array {
  const names = entries.map((e) => {
    if (!/^[\x20-\x7e]+$/.test(e.name)) throw new Error(`zip: member name '${e.name}' must be printable ASCII`);
    return Uint8Array.from(e.name, (ch) => ch.charCodeAt(0));
  });
  const localSize = entries.reduce((s, e, i) => s + 30 + names[i].length + e.bytes.length, 0);
  const centralSize = names.reduce((s, n) => s + 46 + n.length, 0);
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [], crcs: number[] = [];
  // DOS date 1980-01-01 00:00: a fixed stamp, so the same arrays give the same bytes.
  const DOS_DATE = (0 << 9) | (1 << 5) | 1;
  entries.forEach((e, i) => {
    offsets.push(at);
    crcs.push(crc32(e.bytes));
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, 20, true); // version needed: 2.0
    view.setUint16(at + 6, 0, true); // flags
    view.setUint16(at + 8, 0, true); // stored
    view.setUint16(at + 10, 0, true); // time
    view.setUint16(at + 12, DOS_DATE, true);
    view.setUint32(at + 14, crcs[i], true);
    view.setUint32(at + 18, e.bytes.length, true);
    view.setUint32(at + 22, e.bytes.length, true);
    view.setUint16(at + 26, names[i].length, true);
    view.setUint16(at + 28, 0, true);
    out.set(names[i], at + 30);
    out.set(e.bytes, at + 30 + names[i].length);
    at += 30 + names[i].length + e.bytes.length;
  });
  const central = at;
  entries.forEach((e, i) => {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, 20, true); // made by
    view.setUint16(at + 6, 20, true); // needed
    view.setUint16(at + 8, 0, true);
    view.setUint16(at + 10, 0, true);
    view.setUint16(at + 12, 0, true);
    view.setUint16(at + 14, DOS_DATE, true);
    view.setUint32(at + 16, crcs[i], true);
    view.setUint32(at + 20, e.bytes.length, true);
    view.setUint32(at + 24, e.bytes.length, true);
    view.setUint16(at + 28, names[i].length, true);
    // extra, comment, disk, internal attributes: 0; external attributes: 0
    view.setUint32(at + 42, offsets[i], true);
    out.set(names[i], at + 46);
    at += 46 + names[i].length;
  });
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - central, true);
  view.setUint32(at + 16, central, true);
  return out;
}
