/*
 * Which sites may embed this Kintsugi and drive it: two lists in the settings store, one of
 * origins the user allowed ("Always"), one of origins the user refused ("Deny"). The frame
 * checks them on every request; the service worker writes them into frame-ancestors.
 */

export const ALLOWED_KEY = 'embed-allowed-origins';
export const DENIED_KEY = 'embed-denied-origins';

/** The settings part of ApiRecords: all the lists need, so the service worker can use it too. */
export interface SettingsStore {
  setting<T>(key: string): Promise<T | undefined>;
  putSetting(key: string, value: unknown): Promise<void>;
}

/**
 * `https://example.com` from what a person typed or a browser reported; null when it is not an
 * http(s) origin (a path, credentials, a query or another scheme is refused, not trimmed).
 */
export function normalizeOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  if (url.pathname !== '/') return null;
  return url.origin;
}

async function list(store: SettingsStore, key: string): Promise<string[]> {
  const value = await store.setting<unknown>(key);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export interface OriginLists {
  allowed: string[];
  denied: string[];
}

export async function readOriginLists(store: SettingsStore): Promise<OriginLists> {
  const [allowed, denied] = await Promise.all([list(store, ALLOWED_KEY), list(store, DENIED_KEY)]);
  return { allowed, denied };
}

export type Decision = 'allowed' | 'denied' | 'unknown';

export function decide(lists: OriginLists, origin: string): Decision {
  if (lists.allowed.includes(origin)) return 'allowed';
  if (lists.denied.includes(origin)) return 'denied';
  return 'unknown';
}

/** Puts `origin` on one list and takes it off the other. */
export async function remember(
  store: SettingsStore,
  origin: string,
  decision: 'allowed' | 'denied' | 'unknown',
): Promise<OriginLists> {
  const lists = await readOriginLists(store);
  const next: OriginLists = {
    allowed: lists.allowed.filter((o) => o !== origin),
    denied: lists.denied.filter((o) => o !== origin),
  };
  if (decision === 'allowed') next.allowed.push(origin);
  if (decision === 'denied') next.denied.push(origin);
  await store.putSetting(ALLOWED_KEY, next.allowed);
  await store.putSetting(DENIED_KEY, next.denied);
  return next;
}
