import { watch } from 'vue';
import type { RouteLocationNormalized, Router } from 'vue-router';
import { hasFeature, type ConnectionCapabilities, type ConnectionFeature } from '../../../common/connections';

/** What the guard needs to know of the active connection. */
export interface FeatureSource {
  /** The active backend's capabilities; null while unknown (no connection, or never reached). */
  capabilities(): ConnectionCapabilities | null | undefined;
  /** Told when the user was sent away from a route the backend cannot serve. */
  redirected?(from: RouteLocationNormalized): void;
}

/** The features a route needs (any one of them), from its `meta.features` and its parents'. */
const needed = (route: RouteLocationNormalized): ConnectionFeature[] => route.matched.flatMap((r) => r.meta.features ?? []);

/**
 * Whether the backend can serve the route: a route needs one of its features. While the
 * capabilities are unknown nothing is refused (views show their own empty states).
 */
export function routeAllowed(route: RouteLocationNormalized, capabilities: ConnectionCapabilities | null | undefined): boolean {
  const features = needed(route);
  return !capabilities || features.length === 0 || features.some((feature) => hasFeature(capabilities, feature));
}

/**
 * Keeps the user off screens the active backend cannot serve (DESIGN.md §3: the UI hides what the
 * backend cannot do): navigating to one lands on the dashboard, and so does switching to a backend
 * that lacks the features of the screen being shown (the drawer hides it, the route must follow).
 */
export function installFeatureGuard(router: Router, source: FeatureSource): () => void {
  const removeGuard = router.beforeEach((to) => {
    if (routeAllowed(to, source.capabilities())) return true;
    source.redirected?.(to);
    return { name: 'dashboard', replace: true };
  });
  const stop = watch(
    () => source.capabilities(),
    (capabilities) => {
      const current = router.currentRoute.value;
      if (current.matched.length && !routeAllowed(current, capabilities)) {
        source.redirected?.(current);
        void router.replace({ name: 'dashboard' });
      }
    },
  );
  return () => {
    removeGuard();
    stop();
  };
}
