/* sw.js: a copy of the page (index.html, which holds its style and script),
 * so that with the server down the page still opens and says so. Network
 * first; the API is never touched. */
'use strict';
const CACHE = 'redlight-page';
self.addEventListener('install', e => e.waitUntil(caches.open(CACHE).then(c => c.add('/')).then(() => self.skipWaiting())));
self.addEventListener('activate', e => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', e => {
	const r = e.request;
	if (r.mode !== 'navigate' || r.method !== 'GET' || new URL(r.url).pathname.startsWith('/api/')) return;
	e.respondWith(fetch(r).then(res => {
		if (res.ok && (res.headers.get('Content-Type') || '').startsWith('text/html')) {
			const copy = res.clone();
			caches.open(CACHE).then(c => c.put('/', copy));
		}
		return res;
	}, () => caches.match('/').then(m => m || Response.error())));
});
