/* sw.js: a copy of the page (index.html, which holds its style and script),
 * so that with the server down the page still opens and says so. Network
 * first; the API is never touched. The copy drops the boot data (#rl-boot):
 * offline, the page must not show old data as the studio's. */
'use strict';
const CACHE = 'redlight-page';
const keep = res => res.ok && (res.headers.get('Content-Type') || '').startsWith('text/html') && res.clone().text()
	.then(t => caches.open(CACHE).then(c => c.put('/', new Response(t.replace(/<script id="rl-boot"[^]*?<\/script>/, ''),
		{ headers: { 'Content-Type': 'text/html' } }))));
self.addEventListener('install', e => e.waitUntil(fetch('/').then(keep).then(() => self.skipWaiting())));
self.addEventListener('activate', e => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', e => {
	const r = e.request;
	if (r.mode !== 'navigate' || r.method !== 'GET' || new URL(r.url).pathname.startsWith('/api/')) return;
	e.respondWith(fetch(r).then(res => {
		keep(res);
		return res;
	}, () => caches.match('/').then(m => m || Response.error())));
});
