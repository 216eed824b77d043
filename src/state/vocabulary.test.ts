import { describe, expect, it } from 'vitest';
import { LAYER_RANGES as GEOMETRY_LAYER_RANGES } from '../geometry/traversal';
import { DISTANCES as DISTANCE_NAMES } from '../distance/types';
import { SPACES as ENGINE_SPACES } from '../engine/latent';
import { MAX_CURVE_STEPS } from '../engine/curveWalk';
import { MAX_SWEEP_COUNT } from '../engine/sweep';
import { MAX_COLUMNS } from '../engine/montage';
import * as vocabulary from './vocabulary';

describe('shared vocabulary', () => {
  it('is what the geometry, distances and engine use', () => {
    // src/geometry/traversal keeps its own list for now; the two must not drift.
    expect([...vocabulary.LAYER_RANGES].sort()).toEqual([...GEOMETRY_LAYER_RANGES].sort());
    expect(DISTANCE_NAMES).toBe(vocabulary.DISTANCES);
    expect(ENGINE_SPACES).toBe(vocabulary.SPACES);
    expect([MAX_CURVE_STEPS, MAX_SWEEP_COUNT, MAX_COLUMNS]).toEqual([vocabulary.MAX_CURVE_STEPS, vocabulary.MAX_SWEEP_COUNT, vocabulary.MAX_COLUMNS]);
  });

  it('offers a truncation slider inside what the engine accepts', () => {
    expect(vocabulary.TRUNCATION_SLIDER.min).toBeGreaterThan(0);
    expect(vocabulary.TRUNCATION_SLIDER.max).toBeLessThanOrEqual(vocabulary.MAX_TRUNCATION);
  });
});
