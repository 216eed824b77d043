/**
 * The images a panel shows, as frame sets for a PNG export (src/export/frameGrid.ts lays them out): the montage's
 * rows × columns, the curve walk's curve and straight strips, each compared basis's rows. Taken from the last
 * result of the panel's job kind, the one it draws.
 */
import type { AtlasState } from '../state/store';

export interface PanelImageSet {
  /** A file-name part: what the picture shows. */
  name: string;
  frames: Uint8ClampedArray;
  width: number;
  height: number;
  /** Frames per row of the picture. */
  columns: number;
}

export function panelImages(s: Pick<AtlasState, 'panel' | 'results'>): PanelImageSet[] {
  switch (s.panel) {
    case 'montage': {
      const m = s.results.montage?.value;
      return m ? [{ name: 'montage', frames: m.rgba, width: m.width, height: m.height, columns: m.columns }] : [];
    }
    case 'curve': {
      const c = s.results.curve?.value;
      if (!c) return [];
      const frames = c.curveRgba.length / (c.width * c.height * 4);
      const both = new Uint8ClampedArray(c.curveRgba.length + c.linearRgba.length);
      both.set(c.curveRgba);
      both.set(c.linearRgba, c.curveRgba.length);
      return [{ name: 'curve-walk', frames: both, width: c.width, height: c.height, columns: frames }];
    }
    case 'compare': {
      const r = s.results.compare?.value;
      return r ? r.columns.map((c) => ({ name: `compare-${c.kind}`, frames: c.montage.rgba, width: c.montage.width, height: c.montage.height, columns: c.montage.columns })) : [];
    }
    default:
      return [];
  }
}
