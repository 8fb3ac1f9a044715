import { watchChunkFailures } from './chunkFailure';

/**
 * Registers the service worker (sw.js, generated at build time) in production builds only, and
 * watches for on-demand parts that fail to load (a new build replaced them): the page offers a reload.
 */
export function registerServiceWorker(): void {
  watchChunkFailures();
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => {
      // No service worker (e.g. file:// or a private window): the page simply needs the network.
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
