/**
 * Offline use: the built site registers its service worker (dist/sw.js, written by scripts/build/offline.ts
 * from workers/sw.ts), which caches the app and the bundled models so that the next visit works without a
 * network. Registered relative to the page, so its scope is the folder the site is deployed in, whatever
 * the sub-path. Only in the production build, only where service workers exist and the page came over
 * http(s) (not file://); a failure is logged and changes nothing else.
 *
 * Under `vite dev` there is no sw.js, and a worker left behind by `npm start` on the same address (it
 * would answer the dev server's requests) is unregistered, so hot reload stays as it was.
 */
export function registerOffline(): void {
  try {
    if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
    if (!import.meta.env.PROD) {
      void navigator.serviceWorker.getRegistrations()
        .then((all) => Promise.all(all.map((r) => r.unregister())))
        .catch(() => undefined);
      return;
    }
    const register = () => {
      navigator.serviceWorker.register(new URL('sw.js', document.baseURI))
        .catch((err: unknown) => console.warn(`Latent Atlas will not work offline: its service worker could not be registered (${err instanceof Error ? err.message : String(err)}).`));
    };
    // After the page's own loading, so the precache does not compete with the first frame for the network.
    if (document.readyState === 'complete') register();
    else window.addEventListener('load', register, { once: true });
  } catch (err) {
    console.warn('Latent Atlas will not work offline:', err);
  }
}
