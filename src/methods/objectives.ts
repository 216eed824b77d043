/**
 * The words of latent search (src/methods/search.ts), without tfjs, so the UI can offer the same objectives the
 * engine accepts: `discriminator`, `class:NAME`, `factor:NAME`, `-factor:NAME`, and the two methods.
 */

export type SearchMethod = 'cmaes' | 'hessian-cmaes';
export const SEARCH_METHODS: readonly SearchMethod[] = ['cmaes', 'hessian-cmaes'];

export interface ObjectiveSpec {
  kind: 'discriminator' | 'class' | 'factor';
  /** The class or target name ('' for the discriminator). */
  name: string;
  sign: 1 | -1;
}

/** An objective's text → its parts, or one sentence saying what is accepted. */
export function parseObjective(text: unknown): ObjectiveSpec {
  if (text === 'discriminator') return { kind: 'discriminator', name: '', sign: 1 };
  const m = typeof text === 'string' ? /^(-?)(class|factor):([\w/-]+)$/.exec(text) : null;
  if (!m) throw new Error(`The objective '${String(text).slice(0, 40)}' is not one of discriminator, class:NAME, factor:NAME or -factor:NAME.`);
  const [, minus, kind, name] = m;
  if (kind === 'class' && minus) throw new Error('A class probability is maximised; it takes no minus sign.');
  return { kind: kind as 'class' | 'factor', name, sign: minus ? -1 : 1 };
}

/** What a model can be searched for: the discriminator if it has one, each probe class, each target up and down. */
export function objectiveChoices(hasDiscriminator: boolean, outputs?: { classes: readonly string[]; targets: readonly string[] } | null): { value: string; label: string }[] {
  return [
    ...(hasDiscriminator ? [{ value: 'discriminator', label: 'discriminator score' }] : []),
    ...(outputs?.classes ?? []).map((c) => ({ value: `class:${c}`, label: `P(${c})` })),
    ...(outputs?.targets ?? []).flatMap((t) => [{ value: `factor:${t}`, label: `${t} up` }, { value: `-factor:${t}`, label: `${t} down` }]),
  ];
}

