import { Workbox } from 'workbox-window';
import { version } from '../../../package.json';
import { isTerminal } from '@/jobs/job.ts';
import { inference } from '@/engine/inference-client.ts';
import { jobsView } from '../jobs.svelte.ts';
import { offline } from './offline.svelte.ts';
import { settings } from '../settings.svelte.ts';

/** Chromium's install prompt event; not in the DOM typings. */
interface InstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/** This build: the package version, and the build name a release gives (KINTSUGI_BUILD). */
export const build: string = import.meta.env.VITE_KINTSUGI_BUILD || version;

/**
 * What the page knows of its service worker, its installation and the network. A new version
 * of the app is only applied when the user asks for it, and never while a job of this origin
 * is waiting or running: reloading then would stop the engine in the middle of it.
 */
class PwaState {
  online = $state(navigator.onLine);
  /** The app shell is precached: the page opens with the network gone (what runs: offline.ready). */
  offlineReady = $state(false);
  /** A new version is installed and waits for the user's go. */
  updateReady = $state(false);
  /** The user said yes, and the reload waits for the queue to empty. */
  updateDeferred = $state(false);
  installed = $state(matchMedia('(display-mode: standalone)').matches);
  private installPrompt = $state.raw<InstallPromptEvent | null>(null);
  private applyUpdate: (() => void) | null = null;
  private reloading = false;
  /** The user chose to reload now, even with jobs running. */
  private forced = false;

  /** The jobs of this origin that a reload would interrupt. */
  busy = $derived(jobsView.jobs.filter((job) => !isTerminal(job.status)).length);
  canInstall = $derived(this.installPrompt !== null && !this.installed);

  connect(): void {
    addEventListener('online', () => (this.online = true));
    addEventListener('offline', () => {
      this.online = false;
      void offline.refresh();
    });
    addEventListener('beforeinstallprompt', (event) => {
      // Keep Chromium's own mini-infobar away: the header offers "Install app" instead.
      event.preventDefault();
      this.installPrompt = event as InstallPromptEvent;
    });
    addEventListener('appinstalled', () => {
      this.installed = true;
      this.installPrompt = null;
    });
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    const workbox = new Workbox('/sw.js', { scope: '/' });
    // Found at load or by a later check, here or by another tab: the user decides when.
    workbox.addEventListener('waiting', () => (this.updateReady = true));
    // The first install claims the page (no reload needed); any later change of controller is
    // a new version taking over, whose app this page should then be.
    let controlled = navigator.serviceWorker.controller !== null;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (controlled) this.reloadWhenIdle();
      controlled = true;
    });
    this.applyUpdate = () => workbox.messageSkipWaiting();
    // Registered once the page has loaded (Workbox waits for `load`): the precache never competes
    // with what the page needs to become usable.
    workbox
      .register()
      .then(async (registration) => {
        // `ready` resolves once a worker is active, i.e. after it has precached the shell.
        await navigator.serviceWorker.ready;
        this.offlineReady = true;
        await offline.refresh();
        // Then what the first job needs (the engine for this device, the default model), in the
        // worker that runs jobs, so a job started meanwhile shares the downloads.
        if (navigator.onLine) {
          inference
            .prepare(settings.backend)
            .catch((error: unknown) => console.warn('Preparing the first job failed', error))
            .finally(() => void offline.refresh());
        }
        // Look for a new version now and then, and whenever the tab comes back into view.
        setInterval(() => void registration?.update(), 60 * 60 * 1000);
        document.addEventListener('visibilitychange', () => {
          if (document.visibilityState === 'visible') void registration?.update();
        });
      })
      .catch((error: unknown) => console.error('Service worker registration failed', error));
  }

  async install(): Promise<void> {
    const prompt = this.installPrompt;
    if (!prompt) return;
    await prompt.prompt();
    const { outcome } = await prompt.userChoice;
    // The event can prompt only once; Chromium fires a new one if the user may still install.
    this.installPrompt = null;
    if (outcome === 'accepted') this.installed = true;
  }

  /** "Reload": now when the queue is empty, else as soon as it is. */
  update(): void {
    this.updateDeferred = true;
    this.tick();
  }

  /** "Reload now" while jobs run: the user's choice; interrupted jobs are re-queued by lease. */
  updateNow(): void {
    this.updateDeferred = true;
    this.forced = true;
    this.activate();
  }

  /** Called whenever the jobs change: carries out a deferred update once nothing runs. */
  tick(): void {
    if (this.updateDeferred && this.busy === 0) this.activate();
  }

  private activate(): void {
    if (this.updateReady) this.applyUpdate?.();
    else this.reload();
  }

  private reloadWhenIdle(): void {
    this.updateReady = false;
    this.updateDeferred = true;
    if (this.busy === 0 || this.forced) this.reload();
  }

  private reload(): void {
    if (this.reloading) return;
    this.reloading = true;
    location.reload();
  }
}

export const pwa = new PwaState();
