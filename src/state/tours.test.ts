/**
 * Every tour step is a link the app can open as it is: it decodes without a notice, names a bundled model
 * and a panel, and a position of it survives the link round trip; positions outside a tour are dropped.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOURS } from './tours';
import { decodeView, encodeView } from './url';

const bundled = (JSON.parse(fs.readFileSync('public/models/index.json', 'utf8')) as { models: string[] }).models;

describe('tours', () => {
  it('each step decodes cleanly to a bundled model and a panel', () => {
    expect(new Set(TOURS.map((t) => t.id)).size).toBe(TOURS.length);
    for (const t of TOURS) {
      expect(t.steps.length).toBeGreaterThan(1);
      t.steps.forEach((s, i) => {
        const { state, notices } = decodeView(`v=1&${s.view}&tour=${t.id}.${i + 1}`);
        expect(notices, `${t.id} step ${i + 1}`).toEqual([]);
        expect(bundled).toContain(state.model);
        expect(state.panel).toBeDefined();
        expect(state.tour).toEqual({ id: t.id, step: i + 1 });
        expect(decodeView(encodeView(state)).state).toEqual(state);
        expect(s.text.length).toBeGreaterThan(80);
      });
    }
  });

  it('drops a tour or step that does not exist, with a notice', () => {
    for (const bad of ['nope.1', 'metric.0', `metric.${TOURS[0].steps.length + 1}`, 'metric', 'metric.1.2']) {
      const { state, notices } = decodeView(`v=1&tour=${bad}`);
      expect(state.tour).toBeUndefined();
      expect(notices).toEqual(['Ignored an invalid tour step.']);
    }
  });
});
