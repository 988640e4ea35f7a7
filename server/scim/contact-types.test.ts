/**
 * SCIM email and phone types and the attributes the server keeps as they came: `home` emails and
 * Entra's `mobile` phones come back with their type, Entra's PATCH paths on them hit the right value,
 * every email and phone (primary or not) is filterable in SQL, and so are title, nickName, userType,
 * locale and the enterprise department and manager.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describeBackends('SCIM email and phone types, kept attributes', (backend) => {
  let dir: TestDirectory;
  const ids = {} as Record<'ann' | 'bob' | 'cy', string>;
  const scim = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    dir.call(method, `/scim/v2${path}`, body, { 'content-type': 'application/scim+json', ...headers });
  const filter = async (f: string) => {
    const res = await scim('GET', `/Users?filter=${encodeURIComponent(f)}&sortBy=userName`);
    expect(res.status, `${f}: ${res.text}`).toBe(200);
    return res.body.Resources.map((r: { userName: string }) => r.userName);
  };
  const patch = (id: string, Operations: unknown[]) => scim('PATCH', `/Users/${id}`, { schemas: [patchOp], Operations });

  beforeAll(async () => {
    dir = await startTestDirectory(backend);
    const create = async (body: Record<string, unknown>) => {
      const res = await scim('POST', '/Users', { schemas: [userSchema, enterprise], ...body });
      expect(res.status, res.text).toBe(201);
      ids[body.userName as 'ann' | 'bob'] = res.body.id;
      return res.body;
    };
    await create({
      userName: 'ann',
      name: { givenName: 'Ann', familyName: 'Home', middleName: 'Maria' },
      emails: [
        { value: 'Ann@Home.example', type: 'home', primary: true },
        { value: 'ann@work.example', type: 'work' },
      ],
      phoneNumbers: [
        { value: '+1 555 0100', type: 'mobile' },
        { value: '+1 555 0199', type: 'fax' },
      ],
      title: 'Senior Tester',
      nickName: 'Annie',
      userType: 'Employee',
      locale: 'fr-CA',
      [enterprise]: { department: 'Quality', manager: { value: 'mgr-1' }, costCenter: 'CC-7' },
    });
    await create({
      userName: 'bob',
      emails: [{ value: 'bob@work.example', type: 'work', primary: true }],
      phoneNumbers: [{ value: '+1 555 0200', type: 'work' }],
      title: 'Tester',
      userType: 'Contractor',
      [enterprise]: { department: 'Sales' },
    });
    // Made through the admin API: its email and phone have no SCIM type, so they read as work.
    const cy = await dir.call('POST', '/api/v1/users', {
      username: 'cy',
      email: 'cy@example.org',
      firstName: 'Cy',
      lastName: 'Admin',
      phone: '+1 555 0300',
    });
    expect(cy.status, cy.text).toBe(201);
    ids.cy = cy.body.id;
  });
  afterAll(() => dir?.close());

  it('returns a home email and a mobile phone with their types, and the other values as they came', async () => {
    const ann = (await scim('GET', `/Users/${ids.ann}`)).body;
    expect(ann.emails).toEqual([
      { value: 'Ann@Home.example', type: 'home', primary: true },
      { value: 'ann@work.example', type: 'work' },
    ]);
    expect(ann.phoneNumbers).toEqual([
      { value: '+1 555 0100', type: 'mobile', primary: true },
      { value: '+1 555 0199', type: 'fax' },
    ]);
    expect(ann.name).toMatchObject({ givenName: 'Ann', familyName: 'Home', middleName: 'Maria' });
    const admin = (await dir.call('GET', `/api/v1/users/${ids.ann}`)).body;
    expect(admin).toMatchObject({ email: 'Ann@Home.example', phone: '+1 555 0100' });
    const cy = (await scim('GET', `/Users/${ids.cy}`)).body;
    expect(cy.emails).toEqual([{ value: 'cy@example.org', type: 'work', primary: true }]);
    expect(cy.phoneNumbers).toEqual([{ value: '+1 555 0300', type: 'work', primary: true }]);

    // Echoing the resource back changes nothing: same version.
    const echoed = await scim('PUT', `/Users/${ids.ann}`, ann);
    expect(echoed.status, echoed.text).toBe(200);
    expect(echoed.body.meta.version).toBe(ann.meta.version);
    expect(echoed.body.emails).toEqual(ann.emails);
  });

  it('takes Entra\'s PATCH paths on typed values: phoneNumbers[type eq "mobile"].value replaces the mobile one', async () => {
    const replaced = await patch(ids.ann, [
      { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0111' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ann@office.example' },
    ]);
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body.phoneNumbers).toEqual([
      { value: '+1 555 0111', type: 'mobile', primary: true },
      { value: '+1 555 0199', type: 'fax' },
    ]);
    expect(replaced.body.emails).toEqual([
      { value: 'Ann@Home.example', type: 'home', primary: true },
      { value: 'ann@office.example', type: 'work' },
    ]);
    expect((await dir.call('GET', `/api/v1/users/${ids.ann}`)).body.phone).toBe('+1 555 0111');

    // A user without a phone gets Entra's mobile one as their phone, typed.
    const added = await patch(ids.bob, [{ op: 'Remove', path: 'phoneNumbers' }]);
    expect(added.body.phoneNumbers).toBeUndefined();
    const mobile = await patch(ids.bob, [{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0222' }]);
    expect(mobile.status, mobile.text).toBe(200);
    expect(mobile.body.phoneNumbers).toEqual([{ value: '+1 555 0222', type: 'mobile', primary: true }]);
    expect((await scim('GET', `/Users/${ids.bob}`)).body.phoneNumbers).toEqual(mobile.body.phoneNumbers);
    // The type of a value can change too.
    const retyped = await patch(ids.bob, [{ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].type', value: 'home' }]);
    expect(retyped.body.phoneNumbers).toEqual([{ value: '+1 555 0222', type: 'home', primary: true }]);
    await patch(ids.bob, [{ op: 'Replace', path: 'phoneNumbers[type eq "home"].type', value: 'mobile' }]);
  });

  it('filters every email and phone, primary or not, by value and type, in one value filter', async () => {
    expect(await filter('emails.value eq "ann@office.example"')).toEqual(['ann']);
    expect(await filter('emails eq "ANN@HOME.EXAMPLE"')).toEqual(['ann']);
    expect(await filter('emails.value ew ".example"')).toEqual(['ann', 'bob']);
    expect(await filter('emails[type eq "home"]')).toEqual(['ann']);
    expect(await filter('emails[type eq "work"]')).toEqual(['ann', 'bob', 'cy']);
    expect(await filter('emails.type eq "HOME"')).toEqual(['ann']);
    expect(await filter('emails[type eq "work" and value sw "ann@"]')).toEqual(['ann']);
    // The whole value filter must hold for one value: ann's home email is not at the office.
    expect(await filter('emails[type eq "home" and value co "office"]')).toEqual([]);
    expect(await filter('emails[type eq "home" or value co "office"]')).toEqual(['ann']);
    expect(await filter('emails.primary eq false')).toEqual(['ann']);
    expect(await filter('emails[primary eq true and type eq "work"]')).toEqual(['bob', 'cy']);
    expect(await filter('not (emails.value eq "ann@office.example")')).toEqual(['bob', 'cy']);
    expect(await filter('phoneNumbers[type eq "mobile"]')).toEqual(['ann', 'bob']);
    expect(await filter('phoneNumbers[type eq "fax" and value eq "+1 555 0199"]')).toEqual(['ann']);
    expect(await filter('phoneNumbers[type eq "mobile" and value eq "+1 555 0199"]')).toEqual([]);
    expect(await filter('phoneNumbers.value eq "+1 555 0300"')).toEqual(['cy']);
    expect(await filter('phoneNumbers.type eq "work"')).toEqual(['cy']);
    expect(await filter('phoneNumbers pr and emails.type ne "home"')).toEqual(['ann', 'bob', 'cy']);

    // Removing a value removes it from the filters too.
    await patch(ids.ann, [{ op: 'Remove', path: 'emails[type eq "work"]' }]);
    expect(await filter('emails.value eq "ann@office.example"')).toEqual([]);
    expect(await filter('emails.primary eq false')).toEqual([]);
  });

  it('filters title, nickName, userType, locale, name parts and the enterprise department and manager', async () => {
    expect(await filter('title eq "senior tester"')).toEqual(['ann']);
    expect(await filter('title co "Tester"')).toEqual(['ann', 'bob']);
    expect(await filter('title pr')).toEqual(['ann', 'bob']);
    expect(await filter('not (title pr)')).toEqual(['cy']);
    // ne matches users without the attribute, as for columns.
    expect(await filter('title ne "Tester"')).toEqual(['ann', 'cy']);
    expect(await filter('nickName sw "ann"')).toEqual(['ann']);
    expect(await filter('userType eq "Contractor"')).toEqual(['bob']);
    expect(await filter('locale eq "fr-ca"')).toEqual(['ann']);
    expect(await filter('name.middleName eq "maria"')).toEqual(['ann']);
    expect(await filter(`${enterprise}:department eq "quality"`)).toEqual(['ann']);
    expect(await filter(`${enterprise}:department eq "Sales" or ${enterprise}:costCenter eq "CC-7"`)).toEqual(['ann', 'bob']);
    expect(await filter(`${enterprise}:manager.value eq "mgr-1"`)).toEqual(['ann']);
    expect(await filter(`${enterprise}:manager eq "MGR-1"`)).toEqual(['ann']);
    // Entra sets the manager as a bare string; the filter finds it the same way.
    await patch(ids.bob, [{ op: 'Add', path: `${enterprise}:manager`, value: 'mgr-2' }]);
    expect(await filter(`${enterprise}:manager.value eq "mgr-2" and userType eq "contractor"`)).toEqual(['bob']);
    const search = await scim('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: `title co "tester" and ${enterprise}:department pr`,
      sortBy: 'userName',
    });
    expect(search.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['ann', 'bob']);
  });

  it('says clearly which kept attributes it cannot filter on', async () => {
    const res = await scim('GET', `/Users?filter=${encodeURIComponent('addresses[locality eq "Paris"]')}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ scimType: 'invalidFilter', detail: expect.stringContaining('"addresses') });
    expect(res.body.detail).toContain('not supported');
  });

  it('forgets the other emails and phones of an anonymised user', async () => {
    await scim('PATCH', `/Users/${ids.ann}`, {
      schemas: [patchOp],
      Operations: [{ op: 'add', path: 'emails', value: [{ value: 'ann.private@example.net', type: 'other' }] }],
    });
    expect(await filter('emails.value eq "ann.private@example.net"')).toEqual(['ann']);
    expect((await dir.call('POST', `/api/v1/users/${ids.ann}/anonymize`, { confirm: true })).status).toBe(200);
    expect(await filter('emails.value eq "ann.private@example.net"')).toEqual([]);
    expect(await filter('phoneNumbers.value eq "+1 555 0199"')).toEqual([]);
    expect(await filter('title eq "senior tester"')).toEqual([]);
  });
});
