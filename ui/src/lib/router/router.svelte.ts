// A small history-API router for the UI: the current path as Svelte state, navigation that updates the URL (so
// back and forward work), and route matching with :params.
const state = $state({ path: globalThis.location?.pathname ?? '/' });

globalThis.addEventListener?.('popstate', () => {
  state.path = location.pathname;
});

/** The current path (reactive). */
export function currentPath(): string {
  return state.path;
}

/** Goes to `path` (pushes a history entry unless `replace`). */
export function navigate(path: string, replace = false): void {
  if (path === state.path) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  state.path = path;
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
