/*
 * Keeps the permission prompt from being clickjacked. A site that frames /embed can make the frame
 * nearly transparent (or cover it) over a bait button, or slide the prompt under the pointer just
 * before a click. So the prompt's buttons work only once the prompt has been fully visible and
 * unmoved for a moment:
 * - IntersectionObserver v2 (`trackVisibility`) says whether the browser drew it unobscured, with
 *   no opacity, filter or transform on the way (`entry.isVisible`); where a browser has no such
 *   check, the frame offers a top-level Kintsugi window for the grant instead (embed-frame.svelte.ts);
 * - clicks in the first 500 ms after it appears, after it becomes visible again, or after the
 *   frame is resized (how a page moves content under the pointer) are ignored.
 */

/** How long the prompt must have been visible and still before its buttons take a click. */
export const armDelayMs = 500;

/** Chromium's IntersectionObserver v2 options and entry field; not yet in TypeScript's DOM lib. */
interface VisibilityInit extends IntersectionObserverInit {
  trackVisibility: boolean;
  delay: number;
}
type VisibilityEntry = IntersectionObserverEntry & { isVisible?: boolean };

/** Whether this browser can tell that an element is really visible (IntersectionObserver v2). */
export function canCheckVisibility(): boolean {
  return (
    typeof IntersectionObserverEntry !== 'undefined' &&
    'isVisible' in IntersectionObserverEntry.prototype
  );
}

/**
 * Calls `onArmed(true)` once `element` has been visible and still for armDelayMs, and
 * `onArmed(false)` the moment it is not. `checkVisibility: false` is for a top-level window,
 * which no other site can cover: only the delay applies there. Returns the stop function.
 */
export function guardClicks(
  element: Element,
  onArmed: (armed: boolean) => void,
  options: { checkVisibility: boolean },
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let visible = !options.checkVisibility;
  const disarm = () => {
    clearTimeout(timer);
    onArmed(false);
  };
  const rearm = () => {
    disarm();
    if (visible) timer = setTimeout(() => onArmed(true), armDelayMs);
  };
  const onResize = () => rearm();
  addEventListener('resize', onResize);
  let observer: IntersectionObserver | undefined;
  if (options.checkVisibility) {
    const init: VisibilityInit = {
      trackVisibility: true,
      delay: 100,
      threshold: [0, 0.25, 0.5, 0.75, 1],
    };
    observer = new IntersectionObserver((entries) => {
      const entry = entries.at(-1) as VisibilityEntry | undefined;
      if (!entry) return;
      const nowVisible = entry.isVisible === true;
      // Shown, or uncovered, unfaded or untransformed again: the wait starts again. (Scrolling
      // inside the frame, which only the person can do, changes nothing.)
      if (nowVisible !== visible) {
        visible = nowVisible;
        rearm();
      }
    }, init);
    observer.observe(element);
  } else rearm();
  return () => {
    clearTimeout(timer);
    observer?.disconnect();
    removeEventListener('resize', onResize);
  };
}
