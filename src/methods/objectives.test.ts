import { describe, expect, it } from 'vitest';
import { objectiveChoices, parseObjective } from './objectives';

describe('search objectives as words', () => {
  it('parses the discriminator, classes (optionally of a named factor) and signed factors', () => {
    expect(parseObjective('discriminator')).toEqual({ kind: 'discriminator', name: '', sign: 1 });
    expect(parseObjective('class:square')).toEqual({ kind: 'class', name: 'square', sign: 1 });
    expect(parseObjective('class:glasses=round')).toEqual({ kind: 'class', name: 'round', sign: 1, factor: 'glasses' });
    expect(parseObjective('-factor:mouth_open')).toEqual({ kind: 'factor', name: 'mouth_open', sign: -1 });
    expect(() => parseObjective('-class:square')).toThrow(/no minus sign/);
    expect(() => parseObjective('factor:hair=x')).toThrow(/names one target/);
    expect(() => parseObjective('banana')).toThrow(/class:FACTOR=NAME/);
    expect(() => parseObjective(42)).toThrow(/not one of/);
  });

  it('offers each class once, by factor when the probe has several, and every target up and down', () => {
    const one = objectiveChoices(true, { categorical: [{ name: 'class', classes: ['a', 'b'] }], targets: ['x'] });
    expect(one.map((c) => c.value)).toEqual(['discriminator', 'class:a', 'class:b', 'factor:x', '-factor:x']);
    const two = objectiveChoices(false, { categorical: [{ name: 'hair', classes: ['short', 'none'] }, { name: 'glasses', classes: ['none', 'round'] }], targets: [] });
    expect(two).toEqual([
      { value: 'class:hair=short', label: 'P(hair short)' }, { value: 'class:hair=none', label: 'P(hair none)' },
      { value: 'class:glasses=none', label: 'P(glasses none)' }, { value: 'class:glasses=round', label: 'P(glasses round)' },
    ]);
    for (const c of two) expect(() => parseObjective(c.value)).not.toThrow();
    expect(objectiveChoices(false, null)).toEqual([]);
  });
});
