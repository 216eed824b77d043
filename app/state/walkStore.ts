/**
 * Learned walks kept in the browser (IndexedDB database 'latent-atlas', store 'walks'), per model: a walk is
 * minutes of training, so it should outlive the tab. Each record is a SavedWalk with an id and a save time.
 * Without IndexedDB (a private window that refuses it) the walks live in memory for the session, and the
 * panel says so.
 */
import type { SavedWalk } from '../../src/methods/savedWalk';

export interface StoredWalk {
  id: number;
  savedAt: number;
  walk: SavedWalk;
}

const DB = 'latent-atlas';
const STORE = 'walks';
let memory: StoredWalk[] | null = null;
let nextMemoryId = 1;

function open(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    };
    req.onsuccess = () => resolve(req.result);
    // Refused (private mode, quota): fall back to memory.
    req.onerror = () => resolve(null);
  });
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('The browser\'s database refused the request.'));
  });
}

/** True when walks persist (IndexedDB), false when they last only for this page. */
export async function walksPersist(): Promise<boolean> {
  const db = await open();
  db?.close();
  return db !== null;
}

/** The walks saved for `model`, newest first. */
export async function listWalks(model: string): Promise<StoredWalk[]> {
  const db = await open();
  if (!db) return (memory ?? []).filter((r) => r.walk.model === model).sort((a, b) => b.savedAt - a.savedAt);
  try {
    const all = await done(db.transaction(STORE).objectStore(STORE).getAll()) as StoredWalk[];
    return all.filter((r) => r.walk.model === model).sort((a, b) => b.savedAt - a.savedAt);
  } finally {
    db.close();
  }
}

/** Save a walk; its id. */
export async function saveWalk(walk: SavedWalk): Promise<number> {
  const db = await open();
  const record = { savedAt: Date.now(), walk };
  if (!db) {
    memory = memory ?? [];
    const id = nextMemoryId++;
    memory.push({ id, ...record });
    return id;
  }
  try {
    return await done(db.transaction(STORE, 'readwrite').objectStore(STORE).add(record)) as number;
  } finally {
    db.close();
  }
}

export async function deleteWalk(id: number): Promise<void> {
  const db = await open();
  if (!db) {
    memory = (memory ?? []).filter((r) => r.id !== id);
    return;
  }
  try {
    await done(db.transaction(STORE, 'readwrite').objectStore(STORE).delete(id));
  } finally {
    db.close();
  }
}

/** A walk's label in lists: its name, or edit, kind and training. */
export function walkLabel(w: SavedWalk): string {
  return w.name ?? `${w.kind} ${w.edit} · ${w.training.steps} steps · lr ${w.training.lr}`;
}
