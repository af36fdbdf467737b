// Guardpost's service worker. The server prepends BUILD (this build's id), PRECACHE (the
// wasm/JS/CSS, lazy chunks, snippets, icons, manifest of this build, each as [url, rev] where
// rev is a hash of the file's content) and PAGES (the app's pages).
//
// - Install caches this build's files and pages in a cache of its own. A file whose content an
//   older build's cache already holds (same url, same rev) is copied from there, not downloaded
//   again: an update costs the files that changed. It does not take over: a new build waits
//   until the person agrees (the page posts "skip-waiting").
// - Pages are served from the cache of the build whose code is cached with them, so an old page
//   never meets new code; unknown pages go to the network.
// - /api/ is never cached: records stay out of the cache. The pages are kept as drawn for
//   nobody (the header below), to serve whoever signs in on the phone; beside them one copy of
//   the home drawn for the person signed in (its name and tasks paint before the wasm runs),
//   fetched again when the page says the person changed and deleted when they sign out.

const CACHE = "guardpost-" + BUILD;
const PERSON_HOME = "/?person";

async function fetchPage(page, anonymous) {
  const res = await fetch(page, {
    cache: "reload", credentials: "same-origin",
    headers: anonymous ? { "x-guardpost-page": "anonymous" } : {},
  });
  if (!res.ok) throw new Error("page " + page + ": " + res.status);
  const text = await res.clone().text();
  // A page from another build (the server was updated meanwhile) is not cached with this code.
  if (!text.includes('content="' + BUILD + '"')) throw new Error("page " + page + " is from another build");
  return { res, person: text.includes('name="gp-me"') };
}

async function cachePages(cache) {
  await Promise.all([...PAGES.map(async (page) => {
    const { res } = await fetchPage(page, true);
    await cache.put(page, res);
  }), cachePersonHome(cache)]);
}

async function cachePersonHome(cache) {
  const { res, person } = await fetchPage("/", false);
  if (person) await cache.put(PERSON_HOME, res);
  else await cache.delete(PERSON_HOME);
}

// A file is kept under its url with its rev as the query (the fetch handler ignores the query).
const keyOf = (url, rev) => url + "?rev=" + rev;

async function cacheFiles(cache) {
  const older = [];
  for (const name of await caches.keys()) {
    if (name.startsWith("guardpost-") && name !== CACHE) older.push(await caches.open(name));
  }
  await Promise.all(PRECACHE.map(async ([url, rev]) => {
    const key = keyOf(url, rev);
    if (await cache.match(key)) return;
    for (const old of older) {
      const kept = await old.match(key);
      if (kept) return cache.put(key, kept);
    }
    const res = await fetch(url, { cache: "reload" });
    if (!res.ok) throw new Error(url + ": " + res.status);
    await cache.put(key, res);
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cacheFiles(cache);
    await cachePages(cache);
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("guardpost-") && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  } else if (event.data === "recache-pages") {
    const port = event.ports && event.ports[0];
    event.waitUntil(caches.open(CACHE).then(cachePages).catch(() => {}).then(() => port && port.postMessage("done")));
  } else if (event.data === "person-home") {
    event.waitUntil(caches.open(CACHE).then(cachePersonHome).catch(() => {}));
  } else if (event.data === "forget-person") {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.delete(PERSON_HOME)));
  }
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;

  if (req.mode === "navigate") {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      const hit = (url.pathname === "/" && await cache.match(PERSON_HOME)) || await cache.match(url.pathname);
      if (hit) return hit;
      try {
        return await fetch(req);
      } catch (e) {
        return new Response("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
          + "<p style='font:18px sans-serif;padding:16px'>离线：此页面未缓存。<a href='/'>返回首页</a><br>"
          + "Offline: this page is not cached. <a href='/'>Home</a></p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      }
    })());
    return;
  }

  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(req, { ignoreSearch: true });
    return hit || fetch(req);
  })());
});
