/* sw.js: a copy of the page's own files, so that with the server down the
 * page still opens and says so. Network first; the API is never touched. */
'use strict';
const CACHE = 'redlight-page';
const FILES = ['/', '/app.js', '/app.css'];
self.addEventListener('install', e => e.waitUntil(caches.open(CACHE).then(c => c.addAll(FILES)).then(() => self.skipWaiting())));
self.addEventListener('activate', e => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', e => {
	const r = e.request, u = new URL(r.url), nav = r.mode === 'navigate';
	if (r.method !== 'GET' || u.origin !== location.origin || u.pathname.startsWith('/api/') ||
		(!nav && !FILES.includes(u.pathname))) return;
	const key = nav ? '/' : u.pathname;
	e.respondWith(fetch(r).then(res => {
		if (res.ok && (!nav || (res.headers.get('Content-Type') || '').startsWith('text/html'))) {
			const copy = res.clone();
			caches.open(CACHE).then(c => c.put(key, copy));
		}
		return res;
	}, () => caches.match(key).then(m => m || Response.error())));
});
