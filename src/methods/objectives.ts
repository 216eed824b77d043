/**
 * The words of latent search (src/methods/search.ts), without tfjs, so the UI can offer the same objectives the
 * engine accepts: `discriminator`, `class:NAME` (or `class:FACTOR=NAME` where the probe reads several categorical
 * factors, e.g. `class:glasses=round` on faces), `factor:NAME`, `-factor:NAME`, and the two methods.
 */

export type SearchMethod = 'cmaes' | 'hessian-cmaes';
export const SEARCH_METHODS: readonly SearchMethod[] = ['cmaes', 'hessian-cmaes'];

export interface ObjectiveSpec {
  kind: 'discriminator' | 'class' | 'factor';
  /** The class or target name ('' for the discriminator). */
  name: string;
  /** A class objective's categorical factor, when named (`class:glasses=round`). */
  factor?: string;
  sign: 1 | -1;
}

/** An objective's text → its parts, or one sentence saying what is accepted. */
export function parseObjective(text: unknown): ObjectiveSpec {
  if (text === 'discriminator') return { kind: 'discriminator', name: '', sign: 1 };
  const m = typeof text === 'string' ? /^(-?)(class|factor):(?:([\w-]+)=)?([\w/-]+)$/.exec(text) : null;
  if (!m) throw new Error(`The objective '${String(text).slice(0, 40)}' is not one of discriminator, class:NAME, class:FACTOR=NAME, factor:NAME or -factor:NAME.`);
  const [, minus, kind, factor, name] = m;
  if (kind === 'class' && minus) throw new Error('A class probability is maximised; it takes no minus sign.');
  if (kind === 'factor' && factor) throw new Error(`A factor objective names one target (factor:${name}), not FACTOR=NAME.`);
  return { kind: kind as 'class' | 'factor', name, sign: minus ? -1 : 1, ...(factor ? { factor } : {}) };
}

/** What a model can be searched for: the discriminator if it has one, each probe class, each target up and down. */
export function objectiveChoices(hasDiscriminator: boolean, outputs?: { categorical: readonly { name: string; classes: readonly string[] }[]; targets: readonly string[] } | null): { value: string; label: string }[] {
  const several = (outputs?.categorical.length ?? 0) > 1;
  return [
    ...(hasDiscriminator ? [{ value: 'discriminator', label: 'discriminator score' }] : []),
    ...(outputs?.categorical ?? []).flatMap((f) => f.classes.map((c) => several
      ? { value: `class:${f.name}=${c}`, label: `P(${f.name} ${c})` }
      : { value: `class:${c}`, label: `P(${c})` })),
    ...(outputs?.targets ?? []).flatMap((t) => [{ value: `factor:${t}`, label: `${t} up` }, { value: `-factor:${t}`, label: `${t} down` }]),
  ];
}

