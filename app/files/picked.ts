/**
 * Turning what the reader dropped or picked into files with their paths inside the dropped folder.
 * Browsers hide folder structure in different places: a folder picker fills `webkitRelativePath`, a
 * dropped folder only reveals it through the (non-standard but universal) FileSystemEntry API.
 */
import type { PickedFile } from '../../src/engine/types';

export function pickedFromList(list: FileList | File[]): PickedFile[] {
  return [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/**
 * Must be called synchronously inside the drop handler: DataTransfer items are emptied once the event
 * returns, so the entries are taken first and walked afterwards.
 */
export function pickedFromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = [...dt.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  const loose = [...dt.files];
  if (entries.length === 0 || entries.some((e) => e === null) || !entries.some((e) => e!.isDirectory)) {
    return Promise.resolve(pickedFromList(loose));
  }
  return Promise.all(entries.map((e) => walk(e!, ''))).then((lists) => lists.flat());
}

async function walk(entry: FileSystemEntry, prefix: string): Promise<PickedFile[]> {
  const path = prefix + entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ path, file }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries returns the listing in batches; an empty batch ends it.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const lists = await Promise.all(children.map((c) => walk(c, path + '/')));
  return lists.flat();
}
