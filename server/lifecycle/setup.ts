import { badgeRoutes } from '../badges/routes';
import { eventRoutes } from '../events/routes';
import { formRoutes } from '../forms/routes';
import { groupToolRoutes } from '../group-tools/routes';
import type { AnyRoute } from '../http/route';
import { impersonationRoutes } from '../impersonation/routes';
import { jobRoutes } from '../jobs/routes';
import { languageRoutes } from '../languages/routes';
import { outboxRoutes } from '../mail/routes';
import { noteRoutes } from '../notes/routes';
import { segmentRoutes } from '../segments/routes';
import { sessionRoutes } from '../sessions/routes';
import { settingsRoutes } from '../settings/routes';
import { statsRoutes } from '../stats/routes';
import { lifecycleRoutes } from './routes';

/** The admin API routes of issue 7 (user lifecycle, mail, activity, jobs and the rest). */
export function lifecycleApiRoutes(): AnyRoute[] {
  return [
    ...lifecycleRoutes(),
    ...sessionRoutes(),
    ...impersonationRoutes(),
    ...jobRoutes(),
    ...outboxRoutes(),
    ...settingsRoutes(),
    ...eventRoutes(),
    ...noteRoutes(),
    ...formRoutes(),
    ...badgeRoutes(),
    ...languageRoutes(),
    ...segmentRoutes(),
    ...groupToolRoutes(),
    ...statsRoutes(),
  ];
}
