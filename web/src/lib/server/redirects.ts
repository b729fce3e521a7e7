/**
 * The path to send the browser back to after a form post, or "/" when `candidate` is not a
 * path on this site (an absolute URL, `//host`, a backslash trick): no open redirects.
 */
export function sameSitePath(candidate: FormDataEntryValue | null, site: URL, fallback = '/'): string {
	if (typeof candidate !== 'string' || !candidate.startsWith('/') || /^\/[/\\]/.test(candidate)) {
		return fallback;
	}
	const target = new URL(candidate, site.origin);
	if (target.origin !== site.origin) return fallback;
	return `${target.pathname}${target.search}${target.hash}`;
}
