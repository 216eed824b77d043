/**
 * What a bundled model id may look like. Ids become URL path segments (public/models/<id>/) and appear
 * in shared links, so they are restricted to a safe, boring alphabet: no dots, slashes or escapes.
 */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isModelId(value: unknown): value is string {
  return typeof value === 'string' && MODEL_ID_PATTERN.test(value);
}
