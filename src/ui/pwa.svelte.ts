/** What the page knows of its service worker and the network, for the status line. */
class PwaState {
  offlineReady = $state(false);
  online = $state(navigator.onLine);
}

export const pwa = new PwaState();

export function registerServiceWorker(): void {
  addEventListener('online', () => (pwa.online = true));
  addEventListener('offline', () => (pwa.online = false));
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .then(async (registration) => {
      await navigator.serviceWorker.ready;
      pwa.offlineReady = registration.active !== null;
    })
    .catch((error: unknown) => console.error('Service worker registration failed', error));
}
