/**
 * "Load directions…": a directions file (Export → Basis JSON, or `atlas basis` output) picked or dropped onto the
 * Directions panel becomes the sliders' basis. The session reads and checks it (src/export/directionsFile.ts,
 * src/state/importedBasis.ts); a bad file leaves the view as it was, with one sentence in the notices and here.
 */
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useSession } from '../context';

/** The Directions panel's content, made a drop target for one directions file, with the picker button first. */
export function LoadDirections({ children }: { children: ReactNode }) {
  const session = useSession();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const load = async (file: File | undefined) => {
    if (!file) return;
    let text: string;
    try {
      text = await file.text();
    } catch {
      const unreadable = `${file.name}: the file could not be read.`;
      session.notice(unreadable);
      setProblem(unreadable);
      return;
    }
    setProblem(session.loadDirections(file.name, text));
  };
  const onDrop = (e: DragEvent) => {
    // Only files are ours: anything else dragged over the panel (text, a slider) is left alone.
    if (e.dataTransfer.files.length === 0) return;
    e.preventDefault();
    setOver(false);
    void load(e.dataTransfer.files[0]);
  };

  return (
    <div className={`directions-drop${over ? ' over' : ''}`} data-testid="directions-drop"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}>
      {children}
      <div className="field-row">
        <button type="button" className="button subtle small" onClick={() => input.current?.click()} data-testid="load-directions"
          title="A directions file (Export → Basis JSON, or atlas basis output) of this model; or drop it on this panel">
          Load directions…
        </button>
      </div>
      <input ref={input} type="file" hidden accept=".json,application/json" aria-label="Directions file" data-testid="directions-file"
        onChange={(e) => { void load(e.target.files?.[0]); e.target.value = ''; }} />
      {problem && <p className="hint export-problem" role="alert" data-testid="directions-problem">{problem}</p>}
    </div>
  );
}
