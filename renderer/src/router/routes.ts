import type { RouteRecordRaw } from 'vue-router';
import { connectionsIcon, dashboardIcon, filesIcon, groupsIcon, rolesIcon, settingsIcon, usersIcon } from '../plugins/icons';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the title, also used by the navigation drawer. */
    titleKey?: string;
    icon?: string;
    /** Shown in the navigation drawer. */
    nav?: boolean;
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/dashboard' },
  {
    path: '/dashboard',
    name: 'dashboard',
    component: () => import('../views/dashboard/DashboardView.vue'),
    meta: { titleKey: 'nav.dashboard', icon: dashboardIcon, nav: true },
  },
  {
    path: '/users',
    name: 'users',
    component: () => import('../views/users/UsersView.vue'),
    meta: { titleKey: 'nav.users', icon: usersIcon, nav: true },
  },
  {
    path: '/groups',
    name: 'groups',
    component: () => import('../views/groups/GroupsView.vue'),
    meta: { titleKey: 'nav.groups', icon: groupsIcon, nav: true },
  },
  {
    path: '/roles',
    name: 'roles',
    component: () => import('../views/roles/RolesView.vue'),
    meta: { titleKey: 'nav.roles', icon: rolesIcon, nav: true },
  },
  {
    path: '/files',
    name: 'files',
    component: () => import('../views/files/FilesView.vue'),
    meta: { titleKey: 'nav.files', icon: filesIcon, nav: true },
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('../views/settings/SettingsView.vue'),
    meta: { titleKey: 'nav.settings', icon: settingsIcon, nav: true },
  },
  {
    path: '/connections',
    name: 'connections',
    component: () => import('../views/connections/ConnectionsView.vue'),
    meta: { titleKey: 'nav.connections', icon: connectionsIcon, nav: true },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../views/NotFoundView.vue'),
    meta: { titleKey: 'views.notFound.title' },
  },
];
