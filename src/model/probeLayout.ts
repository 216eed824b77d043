/**
 * Where each of a probe's outputs sits in its head: the class logits of every categorical factor, one group
 * after another, then the regression targets. A probe's manifest names them in `outputs`:
 *   { classes: [...], targets: [...] }                        one categorical factor (shapes, Fashion-MNIST)
 *   { classes, categorical: [{ name, classes }, …], targets }  several (faces: hair style, glasses); `classes`
 *                                                              then repeats the first group's, for older readers
 */
export interface CategoricalOutput {
  name: string;
  classes: string[];
  /** Column of its first logit. */
  offset: number;
}

export interface ProbeLayout {
  categorical: CategoricalOutput[];
  targets: string[];
  /** Column of the first target: the number of logits. */
  targetOffset: number;
  /** All columns of the head. */
  width: number;
}

export interface ProbeOutputsJson {
  classes?: unknown;
  categorical?: unknown;
  targets?: unknown;
}

const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0);

/** The layout a manifest's `outputs` describes; throws one sentence for a malformed one. */
export function probeLayout(outputs: ProbeOutputsJson | undefined): ProbeLayout {
  const o = outputs ?? {};
  const classes = o.classes ?? [];
  const targets = o.targets ?? [];
  if (!isNames(classes) || !isNames(targets)) throw new Error('outputs.classes and outputs.targets must be lists of names');
  let groups: { name: string; classes: string[] }[];
  if (o.categorical !== undefined) {
    const ok = Array.isArray(o.categorical) && o.categorical.length > 0 && o.categorical.every((g) =>
      g && typeof g === 'object' && typeof (g as { name?: unknown }).name === 'string' && isNames((g as { classes?: unknown }).classes) && (g as { classes: string[] }).classes.length > 1);
    if (!ok) throw new Error('outputs.categorical must list factors as { name, classes } with at least two classes each');
    groups = (o.categorical as { name: string; classes: string[] }[]).map((g) => ({ name: g.name, classes: [...g.classes] }));
    if (classes.length > 0 && classes.join('\u0000') !== groups[0].classes.join('\u0000')) {
      throw new Error('outputs.classes must repeat the first categorical factor\'s classes');
    }
  } else {
    groups = classes.length > 0 ? [{ name: 'class', classes: [...classes] }] : [];
  }
  let offset = 0;
  const categorical = groups.map((g) => {
    const out = { ...g, offset };
    offset += g.classes.length;
    return out;
  });
  if (offset + targets.length === 0) throw new Error('the probe names no outputs (outputs.classes, outputs.targets)');
  return { categorical, targets: [...targets], targetOffset: offset, width: offset + targets.length };
}
