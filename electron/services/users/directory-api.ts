/**
 * The admin API calls of the users list, profile, trash and bulk jobs (DESIGN.md §4) beyond what
 * `AdminClient` already offers (list, get, create, patch, delete): single-user actions,
 * sub-resources, vocabularies and jobs. Types come from common/api; nothing is redefined here.
 */
import type {
  ActivityPage,
  Badge,
  FormAnswer,
  ImpersonationStart,
  InvitationResult,
  Job,
  JobPreview,
  JobResultPage,
  Language,
  LastAccess,
  Note,
  ResetPasswordResult,
  Segment,
  SessionInfo,
  Settings,
  UserRights,
} from '../../../common/api/lifecycle';
import type { CustomFieldDefinition } from '../../../common/users/fields';
import type { JobAction } from '../../../common/api/lifecycle';
import type { TrashedUser } from '../../../common/users/directory';
import type { Page, User } from '../../../common/users/user';
import type { CallOptions, HttpClient, QueryValue } from '../api/http';
import { ADMIN_PREFIX } from '../api/admin';

const id = (value: string) => encodeURIComponent(value);

/** Lists come as `{ items }` pages; a plain array is accepted too. */
function itemsOf<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object' && Array.isArray((data as { items?: unknown }).items))
    return (data as { items: T[] }).items;
  return [];
}

export interface RoleRecord {
  id: string;
  key: string;
  name: string;
  description: string | null;
  builtin: boolean;
  permissions: string[];
}

export interface TagRecord {
  id: string;
  name: string;
  color: string | null;
  userCount: number;
}

export interface GroupRecord {
  id: string;
  name: string;
  active: boolean;
  memberCount: number;
}

/** The body of `POST /api/v1/jobs`. */
export interface JobBody {
  action: JobAction;
  params?: Record<string, unknown>;
  userIds?: string[];
  filter?: Record<string, string>;
  dryRun?: boolean;
}

export class DirectoryApi {
  constructor(private readonly http: HttpClient) {}

  private async get<T>(path: string, query?: Record<string, QueryValue>, options: CallOptions = {}): Promise<T> {
    return (await this.http.request<T>({ method: 'GET', path: `${ADMIN_PREFIX}${path}`, query, ...options })).data;
  }

  private async send<T>(
    method: 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    options: CallOptions & { headers?: Record<string, string> } = {},
  ): Promise<T> {
    return (await this.http.request<T>({ method, path: `${ADMIN_PREFIX}${path}`, body, ...options })).data;
  }

  // --- vocabularies -----------------------------------------------------------------------------

  async roles(): Promise<RoleRecord[]> {
    return itemsOf<RoleRecord>(await this.get('/roles', { pageSize: 500 }));
  }

  async customFields(): Promise<CustomFieldDefinition[]> {
    return itemsOf<CustomFieldDefinition>(await this.get('/custom-fields', { pageSize: 500 }));
  }

  async segments(): Promise<Segment[]> {
    return itemsOf<Segment>(await this.get('/segments', { pageSize: 100 }));
  }

  async badges(): Promise<Badge[]> {
    return itemsOf<Badge>(await this.get('/badges', { pageSize: 500 }));
  }

  async languages(): Promise<Language[]> {
    return itemsOf<Language>(await this.get('/languages', { pageSize: 500 }));
  }

  async settings(): Promise<Settings> {
    return this.get<Settings>('/settings');
  }

  async tags(q: string, pageSize = 50): Promise<TagRecord[]> {
    return itemsOf<TagRecord>(await this.get('/tags', { q: q || undefined, pageSize }));
  }

  async groups(q: string, pageSize = 50): Promise<GroupRecord[]> {
    return itemsOf<GroupRecord>(await this.get('/groups', { q: q || undefined, pageSize }));
  }

  // --- single-user actions ------------------------------------------------------------------------

  async action<T = User>(userId: string, action: string, body: Record<string, unknown> = {}): Promise<T> {
    return this.send<T>('POST', `/users/${id(userId)}/${action}`, body);
  }

  invite(userId: string): Promise<InvitationResult> {
    return this.action<InvitationResult>(userId, 'invite');
  }

  resetPassword(userId: string, method: 'email' | 'temporary'): Promise<ResetPasswordResult> {
    return this.action<ResetPasswordResult>(userId, 'reset-password', { method });
  }

  impersonate(userId: string, reason: string): Promise<ImpersonationStart> {
    return this.action<ImpersonationStart>(userId, 'impersonate', { reason });
  }

  setAvatar(userId: string, image: string | null, version: number): Promise<User> {
    const headers = { 'if-match': `W/"${version}"` };
    return image === null
      ? this.send<User>('DELETE', `/users/${id(userId)}/avatar`, undefined, { headers })
      : this.http
          .request<User>({ method: 'PUT', path: `${ADMIN_PREFIX}/users/${id(userId)}/avatar`, body: { image }, headers })
          .then((r) => r.data);
  }

  // --- sub-resources --------------------------------------------------------------------------------

  activity(
    userId: string,
    query: { type?: string; from?: string; to?: string; before?: number; pageSize?: number },
  ): Promise<ActivityPage> {
    return this.get<ActivityPage>(`/users/${id(userId)}/activity`, query);
  }

  lastAccess(userId: string, days: number): Promise<LastAccess> {
    return this.get<LastAccess>(`/users/${id(userId)}/last-access`, { days });
  }

  /** Active sessions, or (ended too) the latest ones. */
  async sessions(userId: string, ended = false): Promise<SessionInfo[]> {
    return itemsOf<SessionInfo>(
      await this.get(`/users/${id(userId)}/sessions`, { active: ended ? 'false' : 'true', pageSize: 100 }),
    );
  }

  /** Sign-ins per UTC day over the last `days` days (oldest first, zero days included), from the activity log. */
  async signInsPerDay(userId: string, days: number, now = new Date()): Promise<{ day: string; count: number }[]> {
    const today = Date.parse(now.toISOString().slice(0, 10));
    const from = new Date(today - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const counts = new Map<string, number>();
    let before: number | undefined;
    // Bounded: 20 pages of 500 sign-ins is more than anyone signs in over a year.
    for (let page = 0; page < 20; page++) {
      const result = await this.activity(userId, { type: 'auth.login', from, before, pageSize: 500 });
      for (const entry of result.items) counts.set(entry.at.slice(0, 10), (counts.get(entry.at.slice(0, 10)) ?? 0) + 1);
      if (result.nextBefore === null) break;
      before = result.nextBefore;
    }
    return Array.from({ length: days }, (_, i) => {
      const day = new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
      return { day, count: counts.get(day) ?? 0 };
    });
  }

  async endSession(userId: string, sessionId: string): Promise<void> {
    await this.send('DELETE', `/users/${id(userId)}/sessions/${id(sessionId)}`);
  }

  async endAllSessions(userId: string): Promise<void> {
    await this.send('DELETE', `/users/${id(userId)}/sessions`);
  }

  async notes(userId: string): Promise<Note[]> {
    return itemsOf<Note>(await this.get(`/users/${id(userId)}/notes`, { pageSize: 200 }));
  }

  addNote(userId: string, body: string): Promise<Note> {
    return this.send<Note>('POST', `/users/${id(userId)}/notes`, { body });
  }

  editNote(userId: string, noteId: string, body: string, version: number): Promise<Note> {
    return this.send<Note>(
      'PATCH',
      `/users/${id(userId)}/notes/${id(noteId)}`,
      { body },
      { headers: { 'if-match': `W/"${version}"` } },
    );
  }

  async formAnswers(userId: string): Promise<FormAnswer[]> {
    return itemsOf<FormAnswer>(await this.get(`/users/${id(userId)}/form-answers`, { pageSize: 100 }));
  }

  rights(userId: string): Promise<UserRights> {
    return this.get<UserRights>(`/users/${id(userId)}/rights`);
  }

  // --- jobs -------------------------------------------------------------------------------------------

  preview(body: JobBody): Promise<JobPreview> {
    return this.send<JobPreview>('POST', '/jobs', { ...body, dryRun: true });
  }

  startJob(body: JobBody): Promise<Job> {
    return this.send<Job>('POST', '/jobs', { ...body, dryRun: false });
  }

  job(jobId: string): Promise<Job> {
    return this.get<Job>(`/jobs/${id(jobId)}`);
  }

  async jobs(pageSize = 20): Promise<Job[]> {
    return itemsOf<Job>(await this.get('/jobs', { pageSize }));
  }

  cancelJob(jobId: string): Promise<Job> {
    return this.send<Job>('POST', `/jobs/${id(jobId)}/cancel`, {});
  }

  jobResults(jobId: string, query: { status?: string; page?: number; pageSize?: number }): Promise<JobResultPage> {
    return this.get<JobResultPage>(`/jobs/${id(jobId)}/results`, query);
  }

  /** A job's results (or, for an export, the exported users) as CSV text. */
  async jobCsv(jobId: string, kind: 'results' | 'export'): Promise<string> {
    const data = await this.get<unknown>(`/jobs/${id(jobId)}/${kind}.csv`, undefined, { timeoutMs: 120_000 });
    return typeof data === 'string' ? data : '';
  }

  // --- trash ------------------------------------------------------------------------------------------

  trash(query: { page: number; pageSize: number; q?: string }): Promise<Page<TrashedUser>> {
    return this.get<Page<TrashedUser>>('/trash', { ...query, sort: 'name' });
  }

  /** Purges users in the trash for good. */
  purge(userIds: string[]): Promise<{ purged: number }> {
    return this.send<{ purged: number }>('POST', '/trash/purge', { confirm: true, userIds });
  }
}
