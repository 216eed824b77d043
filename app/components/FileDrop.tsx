/** Load a model from the reader's own files: drop a folder or files here, or pick them. */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { PickedFile } from '../../src/engine/types';
import { useSession } from '../context';
import { pickedFromDrop, pickedFromList } from '../files/picked';

export function FileDrop() {
  const session = useSession();
  const [over, setOver] = useState(false);
  const filesRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);

  // `webkitdirectory` is not in React's attribute list; set it on the element directly.
  useEffect(() => folderRef.current?.setAttribute('webkitdirectory', ''), []);

  const load = (files: PickedFile[]) => {
    if (files.length > 0) void session.loadFiles(files);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    pickedFromDrop(e.dataTransfer).then(load, () => session.notice('The dropped files could not be read.'));
  };

  return (
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p className="drop-text">Drop a model folder here<br /><span className="hint">manifest.json, model.json and weight files</span></p>
      <div className="drop-buttons">
        <button type="button" className="button subtle" onClick={() => filesRef.current?.click()}>Open files…</button>
        <button type="button" className="button subtle" onClick={() => folderRef.current?.click()}>Open folder…</button>
      </div>
      <input ref={filesRef} type="file" multiple hidden accept=".json,.bin" aria-label="Model files"
        onChange={(e) => { load(pickedFromList(e.target.files ?? [])); e.target.value = ''; }} />
      <input ref={folderRef} type="file" multiple hidden aria-label="Model folder"
        onChange={(e) => { load(pickedFromList(e.target.files ?? [])); e.target.value = ''; }} />
    </div>
  );
}
