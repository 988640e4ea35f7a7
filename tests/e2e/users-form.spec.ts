/**
 * The user form against the Local directory: each problem shown at its field, from the shared rules
 * (live and on submit) and from the server's problem+json; the username proposed from the names;
 * the password generator and mail choices; and a stale edit that opens the compare dialog.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { expect, test, type UsersWorld } from './support/local-directory';
import { ProfilePage, shot, UserForm, UsersPage } from './support/users-page';

let prepared = false;
async function prepare(world: UsersWorld) {
  if (prepared) return;
  prepared = true;
  const field = await world.api.call('POST', '/api/v1/custom-fields', {
    key: 'employee_id',
    label: 'Employee ID',
    type: 'text',
    pattern: 'E\\d{4}',
  });
  expect(field.status, JSON.stringify(field.body)).toBe(201);
}
test.beforeEach(async ({ world }) => prepare(world));

test('creating with invalid fields shows each error at its field, then creates the user', async ({ app, world, pageErrors }) => {
  const users = new UsersPage(app);
  await users.open();
  await app.getByTestId('user-create').click();
  const form = new UserForm(app);
  await expect(form.dialog()).toBeVisible();

  // On submit: every required field says so, at the field.
  await form.submit();
  for (const name of ['firstName', 'lastName', 'username', 'email', 'password'])
    await expect(form.errorOf(name)).toHaveText('Required.');
  await expect(app.getByTestId('form-invalid')).toBeVisible();

  // Live, as the admin types and leaves each field: the shared rules of common/users/validation.
  await form.fill({ firstName: 'Renée', lastName: 'Nguyễn' });
  await expect(form.field('username')).toHaveValue('renee.nguyen');
  await form.field('email').fill('not-an-address');
  await form.field('email').blur();
  await expect(form.errorOf('email')).toHaveText('Not a valid email address.');
  await form.field('phone').fill('call me maybe');
  await form.field('phone').blur();
  await expect(form.errorOf('phone')).toHaveText('Not a phone number.');
  await form.field('username').fill('renee nguyen');
  await expect(form.errorOf('username')).toContainText('without spaces');
  await form.field('password').fill('short');
  await form.field('password').blur();
  await expect(form.errorOf('password')).toHaveText('At least 8 characters.');
  await form.field('passwordConfirm').fill('shorter');
  await form.field('passwordConfirm').blur();
  await expect(form.errorOf('passwordConfirm')).toHaveText('The two passwords differ.');
  await form.field('cf-employee_id').fill('X12');
  await form.field('cf-employee_id').blur();
  await expect(form.errorOf('cf-employee_id')).toHaveText('Not in the expected format.');
  await shot(app, 'user-form-errors');

  // Fixed, but the username is taken: the server's problem+json lands at the username field.
  const taken = (await world.api.call('GET', '/api/v1/users?pageSize=1&sort=username')).body.items[0].username as string;
  await form.fill({
    username: taken,
    email: 'renee.nguyen@example.net',
    phone: '+33 1 23 45 67 89',
    password: 'Correct-Horse-9',
    passwordConfirm: 'Correct-Horse-9',
  });
  await form.field('cf-employee_id').fill('E1234');
  await form.dialog().getByTestId('field-tags').locator('input').fill('new-tag-from-form');
  await app.keyboard.press('Enter');
  await app.keyboard.press('Escape');
  await form.submit();
  await expect(form.errorOf('username')).toHaveText('Already used by another user.');
  await form.field('username').fill('renee.nguyen');
  await form.submit();
  await expect(form.dialog()).toBeHidden();

  const created = (await world.api.call('GET', '/api/v1/users?q=renee.nguyen')).body.items.find(
    (u: { username: string }) => u.username === 'renee.nguyen',
  );
  expect(created).toMatchObject({
    firstName: 'Renée',
    lastName: 'Nguyễn',
    email: 'renee.nguyen@example.net',
    phone: '+33 1 23 45 67 89',
    tags: ['new-tag-from-form'],
    customFields: { employee_id: 'E1234' },
  });
  // The tag was created on the fly.
  const tags = (await world.api.call('GET', '/api/v1/tags?q=new-tag')).body.items.map((t: { name: string }) => t.name);
  expect(tags).toContain('new-tag-from-form');
  expect(pageErrors).toEqual([]);
});

test('a generated password, shown strong, is mailed to the new user when asked', async ({ app, world }) => {
  const users = new UsersPage(app);
  await users.open();
  await app.getByTestId('user-create').click();
  const form = new UserForm(app);
  await form.fill({ firstName: 'Zoë', lastName: 'Åström Ruiz', email: 'zoe.ruiz@example.net' });
  await expect(form.field('username')).toHaveValue('zoe.astrom-ruiz');
  await form.dialog().getByTestId('after-sendPassword').locator('input').check();
  await form.dialog().getByTestId('password-generate').click();
  const generated = await form.field('password').inputValue();
  expect(generated.length).toBeGreaterThanOrEqual(16);
  await expect(form.field('passwordConfirm')).toHaveValue(generated);
  await expect(form.dialog().getByTestId('password-strength')).toHaveAttribute('data-strength', '4');
  await shot(app, 'user-form-create');
  await form.submit();
  await expect(form.dialog()).toBeHidden();
  await expect(app.getByTestId('notice')).toContainText('password mail is on its way');
  // The server queued the mail with the password; the Local directory keeps it in its outbox.
  await expect
    .poll(async () => {
      const outbox = (await world.api.call('GET', '/api/v1/outbox?pageSize=20')).body.items as { to: string; text: string }[];
      return outbox.some((m) => m.to === 'zoe.ruiz@example.net' && m.text.includes(generated));
    })
    .toBe(true);
});

test('an edit that meets a newer version opens the compare dialog instead of overwriting', async ({ app, world }) => {
  const user = (await world.api.call('GET', '/api/v1/users?pageSize=1&sort=email&order=desc')).body.items[0];
  const profile = new ProfilePage(app);
  await profile.open(user.id);
  await app.getByTestId('profile-edit').click();
  const form = new UserForm(app);
  await form.field('displayName').fill('Mine, typed in the app');
  await form.field('officialCode').fill('OC-1');

  // Meanwhile someone else saves the same user.
  const theirs = await world.api.call('PATCH', `/api/v1/users/${user.id}`, {
    displayName: 'Theirs, saved first',
    phone: '+34 600 000 000',
  });
  expect(theirs.status).toBe(200);

  await form.submit();
  const compare = app.getByTestId('compare-dialog').locator('.v-card').first();
  await expect(compare).toBeVisible();
  const row = (field: string) => compare.locator(`[data-field="${field}"]`);
  await expect(row('displayName').getByTestId('compare-theirs')).toHaveText('Theirs, saved first');
  await expect(row('displayName').getByTestId('compare-mine')).toHaveText('Mine, typed in the app');
  await expect(row('displayName')).toContainText('both changed');
  await expect(row('phone').getByTestId('compare-theirs')).toHaveText('+34 600 000 000');
  await expect(row('officialCode').getByTestId('compare-mine')).toHaveText('OC-1');
  await shot(app, 'user-compare');
  // Nothing was overwritten so far.
  expect((await world.api.call('GET', `/api/v1/users/${user.id}`)).body.displayName).toBe('Theirs, saved first');

  // Keep theirs: the form now holds their version, and saving again works without conflict.
  await compare.getByTestId('compare-theirs-btn').click();
  await expect(form.field('displayName')).toHaveValue('Theirs, saved first');
  await form.field('officialCode').fill('OC-2');
  await form.submit();
  await expect(form.dialog()).toBeHidden();
  const after = (await world.api.call('GET', `/api/v1/users/${user.id}`)).body;
  expect([after.displayName, after.phone, after.officialCode]).toEqual(['Theirs, saved first', '+34 600 000 000', 'OC-2']);

  // Once more, this time choosing mine over theirs.
  await app.getByTestId('profile-edit').click();
  await form.field('displayName').fill('Mine after all');
  await world.api.call('PATCH', `/api/v1/users/${user.id}`, { displayName: 'Theirs again' });
  await form.submit();
  await compare.getByTestId('compare-mine-btn').click();
  await expect(form.dialog()).toBeHidden();
  await expect(app.getByTestId('profile-name')).toHaveText('Mine after all');
  expect((await world.api.call('GET', `/api/v1/users/${user.id}`)).body.displayName).toBe('Mine after all');
});

/** A real PNG of the given size (a gradient), written with zlib alone. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows.set([(x * 255) / width, (y * 255) / height, 128, 255], y * (width * 4 + 1) + 1 + x * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('the picture is chosen with the native dialog, cropped to a small square and saved', async ({ app, world }) => {
  const user = (await world.api.call('GET', '/api/v1/users?pageSize=1&sort=username&order=desc')).body.items[0];
  const file = join(world.bridge.dataDir, 'portrait.png');
  writeFileSync(file, png(640, 480));
  const profile = new ProfilePage(app);
  await profile.open(user.id);
  await app.getByTestId('profile-edit').click();
  await world.bridge.queueDialogs({ open: [file] });
  await app.getByTestId('avatar-pick').click();
  await expect(app.getByTestId('avatar-crop').locator('canvas')).toBeVisible();
  await shot(app, 'user-avatar-crop');
  await app.getByTestId('avatar-save').click();
  await expect(app.getByTestId('notice')).toContainText('The picture was saved.');
  const saved = (await world.api.call('GET', `/api/v1/users/${user.id}`)).body.avatarUrl as string;
  expect(saved).toMatch(/^data:image\/(webp|jpeg);base64,/);
  expect(Buffer.from(saved.split(',')[1]!, 'base64').length).toBeLessThanOrEqual(128 * 1024);
  // The header shows it, as an inline image.
  await app.getByTestId('form-cancel').click();
  await expect(app.getByTestId('profile-header').getByTestId('user-avatar').locator('img')).toHaveAttribute('src', saved);
});
