/** Whether the reader's system asks for reduced motion: the app then starts no animation by itself. */
export const prefersReducedMotion = (): boolean => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
