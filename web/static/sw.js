/* sw.js: a copy of the page (index.html, which holds its style and first
 * view's script) and of its modules for the later screens (account.js,
 * book.js), so that with the server down the page still opens and says so.
 * Network first; the API is never touched. The copy drops the boot data
 * (#rl-boot): offline, the page must not show old data as the studio's. */
'use strict';
const CACHE = 'redlight-page', MODS = ['/account.js', '/book.js'];
const put = (p, res) => caches.open(CACHE).then(c => c.put(p, res));
const keep = res => res.ok && (res.headers.get('Content-Type') || '').startsWith('text/html') && res.clone().text()
	.then(t => put('/', new Response(t.replace(/<script id="rl-boot"[^]*?<\/script>/, ''), { headers: { 'Content-Type': 'text/html' } })));
const keepMod = (p, res) => res.ok && put(p, res.clone());
self.addEventListener('install', e => e.waitUntil(fetch('/').then(keep)
	.then(() => Promise.all(MODS.map(p => fetch(p).then(r => keepMod(p, r))))).then(() => self.skipWaiting())));
self.addEventListener('activate', e => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', e => {
	const r = e.request, p = new URL(r.url).pathname, mod = MODS.includes(p);
	if (r.method !== 'GET' || !(mod || r.mode === 'navigate') || p.startsWith('/api/')) return;
	e.respondWith(fetch(r).then(res => {
		mod ? keepMod(p, res) : keep(res);
		return res;
	}, () => caches.match(mod ? p : '/').then(m => m || Response.error())));
});
