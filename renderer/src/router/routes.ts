import type { RouteRecordRaw } from 'vue-router';
import type { ConnectionFeature } from '../../../common/connections';
import {
  connectionsIcon,
  dashboardIcon,
  filesIcon,
  groupsIcon,
  mailboxIcon,
  rolesIcon,
  settingsIcon,
  trashIcon,
  usersIcon,
} from '../plugins/icons';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the title, also used by the navigation drawer. */
    titleKey?: string;
    icon?: string;
    /** Shown in the navigation drawer. */
    nav?: boolean;
    /** Hidden from the drawer when the active backend offers none of these. */
    features?: ConnectionFeature[];
    /** Shown in the drawer only while the Local directory is the active connection. */
    localOnly?: boolean;
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
    meta: { titleKey: 'nav.users', icon: usersIcon, nav: true, features: ['users', 'scimUsers'] },
  },
  {
    path: '/users/:id',
    name: 'user-profile',
    component: () => import('../views/users/UserProfileView.vue'),
    meta: { titleKey: 'users.profile.title', features: ['users', 'scimUsers'] },
  },
  {
    path: '/trash',
    name: 'trash',
    component: () => import('../views/users/TrashView.vue'),
    meta: { titleKey: 'nav.trash', icon: trashIcon, nav: true, features: ['trash'] },
  },
  {
    path: '/groups',
    name: 'groups',
    component: () => import('../views/groups/GroupsView.vue'),
    meta: { titleKey: 'nav.groups', icon: groupsIcon, nav: true, features: ['groups', 'scimGroups'] },
  },
  {
    path: '/roles',
    name: 'roles',
    component: () => import('../views/roles/RolesView.vue'),
    meta: { titleKey: 'nav.roles', icon: rolesIcon, nav: true, features: ['roles'] },
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
    path: '/mailbox',
    name: 'mailbox',
    component: () => import('../views/mailbox/MailboxView.vue'),
    meta: { titleKey: 'nav.mailbox', icon: mailboxIcon, nav: true, localOnly: true },
  },
  {
    path: '/welcome',
    name: 'welcome',
    component: () => import('../views/welcome/WelcomeView.vue'),
    meta: { titleKey: 'welcome.title' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../views/NotFoundView.vue'),
    meta: { titleKey: 'views.notFound.title' },
  },
];
