import { describe, expect, it } from 'vitest';
import { nextTick, ref } from 'vue';
import { createMemoryHistory, createRouter, type RouteLocationNormalized } from 'vue-router';
import type { ConnectionCapabilities, ConnectionFeature } from '../../../common/connections';
import { installFeatureGuard } from './guard';
import { routes as appRoutes } from './routes';

const View = { template: '<div />' };
const caps = (kind: 'userdeck' | 'scim', features: ConnectionFeature[]): ConnectionCapabilities => ({
  kind,
  version: null,
  features,
  scimPath: '/scim/v2',
  limits: null,
  bulk: null,
});
const userdeck = caps('userdeck', ['users', 'trash', 'roles', 'groups', 'scimUsers', 'scimGroups']);
const plainScim = caps('scim', ['scimUsers', 'scimGroups', 'scimFilter']);

/** The app's own routes and their features, with light components. */
function setup(initial: ConnectionCapabilities | null) {
  const capabilities = ref<ConnectionCapabilities | null>(initial);
  const redirected: string[] = [];
  const router = createRouter({
    history: createMemoryHistory(),
    routes: appRoutes.map((r) => ('redirect' in r && r.redirect ? r : { ...r, component: View })) as typeof appRoutes,
  });
  installFeatureGuard(router, {
    capabilities: () => capabilities.value,
    redirected: (from: RouteLocationNormalized) => redirected.push(String(from.name)),
  });
  return { router, capabilities, redirected };
}

/** Lets the watch run and the redirect it starts finish. */
async function settle(router: ReturnType<typeof createRouter>) {
  await nextTick();
  await router.isReady();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('the route guard', () => {
  it('refuses a route whose features the backend lacks, and lets the rest through', async () => {
    const { router, redirected } = setup(plainScim);
    await router.push('/trash');
    expect(router.currentRoute.value.name).toBe('dashboard');
    await router.push('/roles');
    expect(router.currentRoute.value.name).toBe('dashboard');
    expect(redirected).toEqual(['trash', 'roles']);
    for (const path of ['/users', '/users/abc', '/groups', '/files', '/connections']) {
      await router.push(path);
      expect(router.currentRoute.value.path).toBe(path);
    }
  });

  it('sends the user to the dashboard when the backend changes under an admin-only screen', async () => {
    const { router, capabilities, redirected } = setup(userdeck);
    await router.push('/trash');
    expect(router.currentRoute.value.name).toBe('trash');
    capabilities.value = plainScim;
    await settle(router);
    expect(router.currentRoute.value.name).toBe('dashboard');
    expect(redirected).toEqual(['trash']);

    // The users list stays: plain SCIM has users.
    capabilities.value = userdeck;
    await router.push('/users');
    capabilities.value = plainScim;
    await settle(router);
    expect(router.currentRoute.value.name).toBe('users');
  });

  it('refuses nothing while the capabilities are unknown (no connection yet, or never reached)', async () => {
    const { router, capabilities } = setup(null);
    await router.push('/roles');
    expect(router.currentRoute.value.name).toBe('roles');
    capabilities.value = caps('scim', ['scimUsers']);
    await settle(router);
    expect(router.currentRoute.value.name).toBe('dashboard');
  });
});
