// The signed-in user as Svelte state, with sign-in, sign-out and the start-up check (setup pending → wizard,
// no session → sign-in page).
import { ApiError, request, setCsrfToken } from './api.client.ts';

/** A signed-in user. */
export interface SessionUser {
  username: string;
  role: 'admin' | 'analyst' | 'viewer';
}

const state = $state<{ user: SessionUser | null; setupComplete: boolean | null }>({ user: null, setupComplete: null });

/** The signed-in user, or null (reactive). */
export function sessionUser(): SessionUser | null {
  return state.user;
}

/** Whether setup is complete (null until known). */
export function setupComplete(): boolean | null {
  return state.setupComplete;
}

/** Asks the service where the user stands: setup pending, signed out, or signed in. */
export async function refreshSession(): Promise<'setup' | 'signed-out' | 'signed-in'> {
  const s = await request<{ complete: boolean }>('GET', '/setup/status');
  state.setupComplete = s.complete;
  if (!s.complete) return 'setup';
  try {
    const me = await request<{ user: SessionUser; csrfToken: string }>('GET', '/auth/me');
    setCsrfToken(me.csrfToken);
    state.user = me.user;
    return 'signed-in';
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.code === 'session_expired')) {
      state.user = null;
      return 'signed-out';
    }
    throw err;
  }
}

/** Signs in. Throws ApiError. */
export async function signIn(username: string, password: string): Promise<void> {
  const r = await request<{ user: SessionUser; csrfToken: string }>('POST', '/auth/login', { body: { username, password } });
  setCsrfToken(r.csrfToken);
  state.user = r.user;
}

/** Signs out. */
export async function signOut(): Promise<void> {
  try {
    await request('POST', '/auth/logout');
  } finally {
    setCsrfToken('');
    state.user = null;
  }
}

/** Marks setup as complete (after the wizard). */
export function markSetupComplete(): void {
  state.setupComplete = true;
}
