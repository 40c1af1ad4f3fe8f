/**
 * Every request the UI makes is relative to the page's directory, so it works under the
 * ingress prefix (/api/hassio_ingress/<token>/) as well as directly on :8099.
 */

/** The page's directory: the href without query, hash or file name. */
export function baseHref(href: string): string {
  const url = new URL(href);
  url.hash = '';
  url.search = '';
  url.pathname = url.pathname.replace(/[^/]*$/, '');
  return url.toString();
}

/** Absolute URL of an API path such as `api/devices` for the page at `href`. */
export function apiUrl(path: string, href: string = location.href): string {
  return new URL(path.replace(/^\/+/, ''), baseHref(href)).toString();
}

/** This page with `?token=`: the server trades the token for a cookie and redirects back here. */
export function signInUrl(token: string, href: string = location.href): string {
  const url = new URL(href);
  url.search = `?token=${encodeURIComponent(token)}`;
  return url.toString();
}
