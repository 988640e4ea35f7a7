/**
 * The trash against the Local directory: deleted users with the deletion date and the days left
 * before the purge the server announces; restore; purge with the count typed.
 */
import { expect, test, type UsersWorld } from './support/local-directory';
import { shot } from './support/users-page';

async function trashed(world: UsersWorld, username: string) {
  const created = await world.api.call('POST', '/api/v1/users', {
    username,
    email: `${username}@example.org`,
    firstName: 'Trash',
    lastName: username,
  });
  expect(created.status).toBe(201);
  expect((await world.api.call('DELETE', `/api/v1/users/${created.body.id}`)).status).toBe(204);
  return created.body.id as string;
}

test('deleted users wait in the trash with their days left; restore brings one back, purge removes them for good', async ({
  app,
  world,
  pageErrors,
}) => {
  const keep = await trashed(world, 'trash.keep');
  const goneA = await trashed(world, 'trash.gone-a');
  const goneB = await trashed(world, 'trash.gone-b');
  await app.getByTestId('nav-trash').click();
  await app.getByTestId('trash-search').locator('input').fill('trash.');
  const rows = app.getByTestId('trash-row');
  await expect(rows).toHaveCount(3);
  const listed = (await world.api.call('GET', '/api/v1/trash?q=trash.&pageSize=30')).body.items as {
    username: string;
    purgeAt: string;
  }[];
  await expect(app.getByTestId('trash-username')).toHaveText(listed.map((u) => u.username));
  const days = Math.ceil((Date.parse(listed[0]!.purgeAt) - Date.now()) / 86_400_000);
  await expect(rows.first().getByTestId('trash-days-left')).toHaveText(`${days} days`);
  await shot(app, 'trash');

  await rows.filter({ hasText: 'trash.keep' }).getByTestId('trash-restore').click();
  await expect(rows).toHaveCount(2);
  expect((await world.api.call('GET', `/api/v1/users/${keep}`)).body.deletedAt).toBeNull();

  for (const row of await rows.all()) await row.locator('input[type=checkbox]').check();
  await app.getByTestId('trash-purge-selected').click();
  await expect(app.getByTestId('purge-confirm')).toBeDisabled();
  await app.getByTestId('purge-confirm-text').locator('input').fill('2');
  await app.getByTestId('purge-confirm').click();
  await expect(app.getByTestId('notice')).toContainText('2 users purged');
  await expect(rows).toHaveCount(0);
  for (const id of [goneA, goneB]) expect((await world.api.call('GET', `/api/v1/users/${id}`)).status).toBe(404);
  expect(pageErrors).toEqual([]);
});
