import { describe, expect, it } from 'vitest';
import { probeLayout } from './probeLayout';

describe('probeLayout', () => {
  it('one categorical factor: logits first, then the targets', () => {
    const l = probeLayout({ classes: ['a', 'b', 'c'], targets: ['x', 'y'] });
    expect(l.categorical).toEqual([{ name: 'class', classes: ['a', 'b', 'c'], offset: 0 }]);
    expect(l.targetOffset).toBe(3);
    expect(l.width).toBe(5);
  });

  it('several categorical factors one after another (the faces probe)', () => {
    const l = probeLayout({
      classes: ['short', 'long', 'bun', 'none'],
      categorical: [{ name: 'hair', classes: ['short', 'long', 'bun', 'none'] }, { name: 'glasses', classes: ['none', 'round', 'square'] }],
      targets: ['roll', 'smile'],
    });
    expect(l.categorical.map((g) => [g.name, g.offset])).toEqual([['hair', 0], ['glasses', 4]]);
    expect(l.targetOffset).toBe(7);
    expect(l.width).toBe(9);
  });

  it('a classifier has no targets; a regressor no classes', () => {
    expect(probeLayout({ classes: ['a', 'b'] }).width).toBe(2);
    expect(probeLayout({ targets: ['t'] })).toEqual({ categorical: [], targets: ['t'], targetOffset: 0, width: 1 });
  });

  it('refuses malformed outputs with one sentence', () => {
    expect(() => probeLayout({})).toThrow(/names no outputs/);
    expect(() => probeLayout({ classes: 'abc' })).toThrow(/lists of names/);
    expect(() => probeLayout({ categorical: [{ name: 'hair', classes: ['one'] }] })).toThrow(/at least two classes/);
    expect(() => probeLayout({ classes: ['x', 'y'], categorical: [{ name: 'g', classes: ['a', 'b'] }] })).toThrow(/repeat the first/);
  });
});
