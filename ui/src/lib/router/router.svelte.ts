// A small history-API router for the UI: the current path and query as Svelte state, navigation that updates the URL
// (so back and forward work, and filters in the query can be shared as links), and route matching with :params.
const state = $state({ path: globalThis.location?.pathname ?? '/', search: globalThis.location?.search ?? '' });

globalThis.addEventListener?.('popstate', () => {
  state.path = location.pathname;
  state.search = location.search;
});

/** The current path (reactive). */
export function currentPath(): string {
  return state.path;
}

/** The current query string as parameters (reactive). */
export function currentQuery(): URLSearchParams {
  return new URLSearchParams(state.search);
}

/**
 * Goes to `target` (a path with an optional `?query` and `#fragment`); pushes a history entry unless `replace`. The
 * fragment names a section the page scrolls to once it has rendered it (see `scrollToFragment`).
 */
export function navigate(target: string, replace = false): void {
  const h = target.indexOf('#');
  const beforeHash = h < 0 ? target : target.slice(0, h);
  const q = beforeHash.indexOf('?');
  const path = q < 0 ? beforeHash : beforeHash.slice(0, q);
  const search = q < 0 || q === beforeHash.length - 1 ? '' : beforeHash.slice(q);
  if (path === state.path && search === state.search && (h < 0 || target.slice(h) === location.hash)) return;
  if (replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  state.path = path;
  state.search = search;
}

/** Matches `path` against `pattern` (`/setup/:step`); returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) out[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return out;
}

/**
 * Click handler of an in-app link: a plain left click navigates without reloading the page; clicks with a modifier
 * (new tab, new window) are left to the browser.
 */
export function followLink(e: MouseEvent, path: string): void {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(path);
}

/** Scrolls to the element the URL's `#fragment` names, if any (a page calls it once the sections above it are drawn). */
export function scrollToFragment(): void {
  const id = decodeURIComponent(globalThis.location?.hash.slice(1) ?? '');
  if (id !== '') document.getElementById(id)?.scrollIntoView({ block: 'start' });
}
