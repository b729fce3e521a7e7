// Container health probe (the slim Node image has no curl/wget).
//   node docker/healthcheck.js <url> [--any-non-5xx]
// Exit 0 when the endpoint answers 2xx (or, with --any-non-5xx, any status
// below 500: proves the HTTP server is up without depending on one route).
// Redirects are not followed: a redirect to a login page is still "alive".
const url = process.argv[2];
const anyNon5xx = process.argv.includes('--any-non-5xx');

if (!url) {
  console.error('usage: node docker/healthcheck.js <url> [--any-non-5xx]');
  process.exit(2);
}

fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(4000) })
  .then((res) => {
    const healthy = anyNon5xx ? res.status < 500 : res.status >= 200 && res.status < 300;
    if (!healthy) console.error(`unhealthy: ${url} answered ${res.status}`);
    process.exit(healthy ? 0 : 1);
  })
  .catch((err) => {
    console.error(`unhealthy: ${url}: ${err && err.message ? err.message : err}`);
    process.exit(1);
  });
