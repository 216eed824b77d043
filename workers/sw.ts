/**
 * The service worker of the built site (dist/sw.js; scripts/build/offline.ts prepends PRECACHE, the list of
 * every built file and a version digest of their contents). It makes the app work offline after one visit:
 *
 * - install: fetch every file of the build (revalidated with the server, never an unchecked HTTP-cached copy of an
 *   older build) into a cache named by the scope and the build's version; then take over at once.
 * - activate: delete this scope's caches of other versions; control the open pages.
 * - fetch, same-origin GETs inside the scope only (a user's model on another origin is never touched):
 *   - files under assets/ that the build lists: cache first. Vite names them by their content hash, so a
 *     cached copy can never be stale;
 *   - everything else — the page, models/index.json, the models' manifests and weights, a model folder a
 *     teacher added after the build: network first, the cache only when the network fails. Online, the app
 *     therefore always gets what the server has now (no stale weights after a redeploy, a teacher's edit to
 *     models/index.json shows at once); every good answer refreshes the cached copy, so the offline copy is
 *     the last one seen. A navigation answered from the network keeps the server's headers (COOP/COEP: the
 *     page stays cross-origin isolated); offline, the cached page carries the headers it was fetched with.
 *   - a network that accepts the request and never answers (a classroom's overloaded Wi-Fi, a sleeping
 *     laptop serving the site) counts as failed after NETWORK_TIMEOUT_MS when a cached copy exists, and for
 *     STALL_MS after that, files with a cached copy are answered from it at once; the request carries on in
 *     the background, refreshes the cache if it ever answers, and its answer ends the stall.
 */

// A module for the type checker (its names stay its own); the build strips the export and prepends PRECACHE.
export {};
declare const PRECACHE: { version: string; files: string[] };

const sw = self as unknown as ServiceWorkerGlobalScope;
const SCOPE = sw.registration.scope;
const CACHE_PREFIX = `latent-atlas ${SCOPE} `;
const CACHE = `${CACHE_PREFIX}${PRECACHE.version}`;
const PAGE = new URL('index.html', SCOPE).href;
/** Build files named by their content hash: safe to answer from the cache without asking the server. */
const IMMUTABLE = new Set(PRECACHE.files.filter((f) => f.startsWith('assets/')).map((f) => new URL(f, SCOPE).href));
const MATCH: CacheQueryOptions = { ignoreVary: true };
/**
 * How long a network-first request may wait for the server's response headers before a cached copy is served
 * instead. Browsers wait minutes for a silent server; the timer covers the headers, not the body, so a large
 * weight file on a slow but working network is never cut off.
 */
const NETWORK_TIMEOUT_MS = 4000;
/** After a timeout, how long the network is presumed stalled (each of the page's next files would otherwise wait out the timeout again). */
const STALL_MS = 30_000;
let stalledUntil = 0;

sw.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    try {
      await cache.addAll(PRECACHE.files.map((f) => new Request(new URL(f, SCOPE), { cache: 'no-cache' })));
    } catch (err) {
      // A half-filled cache must not survive: the next visit tries again from scratch.
      await caches.delete(CACHE);
      throw err;
    }
    await sw.skipWaiting();
  })());
});

sw.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith(CACHE_PREFIX) && key !== CACHE) await caches.delete(key);
    }
    await sw.clients.claim();
  })());
});

/** The page's own HTML (the scope's folder or index.html, any query) is cached as index.html. */
function cacheKey(request: Request): string {
  const url = new URL(request.url);
  url.hash = '';
  if (request.mode === 'navigate') {
    const bare = url.origin + url.pathname;
    if (bare === SCOPE || bare === PAGE) return PAGE;
  }
  return url.href;
}

/**
 * This version's cache, or null once a newer worker has deleted it. Never caches.open() unchecked while serving:
 * open() creates a missing cache, so an old worker still answering an open page during an update would bring its
 * deleted cache back (seen under load in the offline e2e: two full copies of the site left behind).
 */
async function ownCache(): Promise<Cache | null> {
  return (await caches.has(CACHE)) ? caches.open(CACHE) : null;
}

async function cacheFirst(request: Request, key: string): Promise<Response> {
  const cache = await ownCache();
  if (!cache) return fetch(request);
  const hit = await cache.match(key, MATCH);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.status === 200 && response.type === 'basic') await cache.put(key, response.clone()).catch(() => undefined);
  return response;
}

function keepable(response: Response): boolean {
  // The last good copy only: a redirect, an error page or a partial answer is not kept.
  return response.status === 200 && response.type === 'basic' && !response.redirected;
}

async function networkFirst(event: FetchEvent): Promise<Response> {
  const request = event.request;
  const key = cacheKey(request);
  const cache = ownCache();
  // The copy for the cache is taken as soon as the answer arrives, before the page can read the body; the
  // event lives until it is stored, whether the page got the network's answer or the cached copy.
  let stored: Promise<unknown> = Promise.resolve();
  const network = fetch(request).then((response) => {
    stalledUntil = 0;
    if (keepable(response)) {
      const copy = response.clone();
      stored = cache.then((c) => c?.put(key, copy)).catch(() => undefined);
    }
    return response;
  });
  event.waitUntil(network.then(() => stored, () => undefined));

  const hit = await (await cache)?.match(key, MATCH);
  if (!hit) return network; // nothing to fall back on: the network's answer or its error, however long it takes
  if (Date.now() < stalledUntil) return hit;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), NETWORK_TIMEOUT_MS); });
  try {
    const first = await Promise.race([network, timeout]);
    if (first) return first;
    stalledUntil = Date.now() + STALL_MS;
    return hit;
  } catch {
    return hit; // offline, refused, reset
  } finally {
    clearTimeout(timer);
  }
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || request.headers.has('range')) return;
  const url = new URL(request.url);
  // Other origins (a user's own model by URL) and paths outside the deploy folder: not ours, not touched.
  if (url.origin !== sw.location.origin || !url.href.startsWith(SCOPE) || url.href === new URL('sw.js', SCOPE).href) return;
  url.search = '';
  url.hash = '';
  if (request.mode !== 'navigate' && IMMUTABLE.has(url.href)) event.respondWith(cacheFirst(request, url.href));
  else event.respondWith(networkFirst(event));
});
