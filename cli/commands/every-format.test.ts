/**
 * "Every listed format imports through userdeck plan/apply with nothing lost or duplicated": each
 * fixture of ../shared/fixtures/imports and a generated file of each format the fixtures lack goes
 * plan → apply → plan through the `userdeck` command (in-process) against a fresh real directory.
 * The counts add up to the file's data rows, apply does what the plan said, the directory grows by
 * exactly the users created, a second plan has nothing left to create or update, and spot-checked
 * fields arrived (Auth0's imported hashes sign in).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash as argon2Hash } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import type { User } from '../../common/users/user';
import { runUserdeckInProcess as userdeck } from '../../tests/helpers/cli-in-process';
import { adminToken, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

const fixtures = join(import.meta.dirname, '../../../shared/fixtures/imports');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, any>;
const work = mkdtempSync(join(tmpdir(), 'userdeck-every-format-'));
const env = { USERDECK_DATA_DIR: join(work, 'cli-data') };
afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

interface Imported {
  dir: TestDirectory;
  /** The user a data row became (from the results report), by 0-based row. */
  user(row: number): Promise<User>;
  /** The results report's status of each row. */
  status: string[];
}

interface Case {
  path: () => string | Promise<string>;
  rows: number;
  /** Fixture name: its expected.json spot checks of mapped text fields are checked on the server. */
  fixture?: string;
  setup?: (dir: TestDirectory) => Promise<void>;
  check?: (imported: Imported) => Promise<void>;
  /** Rows the plan must refuse (errors); every other row is a create. */
  refused?: number[];
}

const sum = (r: { create: number; update: number; skip: number; conflict: number; error: number }) =>
  r.create + r.update + r.skip + r.conflict + r.error;

/** Built-in text fields whose value a spot check can compare as it arrived. */
const textFields = new Set(['username', 'email', 'firstName', 'lastName', 'displayName', 'phone', 'officialCode']);

let reports = 0;

async function importFile(c: Case): Promise<void> {
  const dir = await startTestDirectory('sqlite');
  try {
    await c.setup?.(dir);
    const path = await c.path();
    const auth = ['--url', dir.url, '--token', adminToken];
    const total = async () => (await dir.call('GET', '/api/v1/users?pageSize=1')).body.total as number;
    const before = await total();

    const first = await userdeck(['plan', path, ...auth, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const plan = JSON.parse(first.stdout);
    expect(sum(plan)).toBe(c.rows);
    expect(plan.rows.map((r: { row: number }) => r.row)).toEqual(Array.from({ length: c.rows }, (_, i) => i));
    // A fresh directory: every row is a create, except those the file itself gets wrong.
    const refused = plan.rows.filter((r: any) => r.action !== 'create');
    expect(
      refused.map((r: any) => r.row),
      JSON.stringify(refused),
    ).toEqual(c.refused ?? []);

    const report = join(work, `report-${reports++}.csv`);
    const applied = await userdeck(['apply', path, ...auth, '--json', '--report', report], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr.split('\n')[0]).toMatch(/^job [0-9a-f-]{36}$/);
    const result = JSON.parse(applied.stdout);
    expect(result.created + result.updated + result.skipped + result.failed).toBe(c.rows);
    expect(result).toMatchObject({
      rows: c.rows,
      created: plan.create,
      updated: plan.update,
      skipped: plan.skip,
      failed: plan.error + plan.conflict,
    });
    expect((await total()) - before).toBe(plan.create);

    const second = await userdeck(['plan', path, ...auth, '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(
      { create: again.create, update: again.update },
      JSON.stringify(again.rows.filter((r: any) => r.action === 'create' || r.action === 'update')),
    ).toEqual({ create: 0, update: 0 });
    expect(again.skip).toBe(plan.create + plan.update + plan.skip);
    expect(again.error + again.conflict).toBe(plan.error + plan.conflict);

    const converted = join(`${report}.json`);
    expect((await userdeck(['convert', report, converted], env)).code).toBe(0);
    const records = JSON.parse(readFileSync(converted, 'utf8')) as Record<string, string>[];
    expect(records).toHaveLength(c.rows);
    const imported: Imported = {
      dir,
      status: records.map((r) => r.userdeck_status!),
      async user(row) {
        const id = records[row]!.userdeck_user_id;
        expect(id, `row ${row}: ${records[row]!.userdeck_status} ${records[row]!.userdeck_reason}`).toBeTruthy();
        const response = await dir.call('GET', `/api/v1/users/${id}`);
        expect(response.status).toBe(200);
        return response.body as User;
      },
    };
    if (c.fixture) {
      const inspected = JSON.parse((await userdeck(['inspect', path, '--json'], env)).stdout);
      let checked = 0;
      for (const check of expected[c.fixture].spotChecks as { row: number; column: string; value: string }[]) {
        const target = inspected.mapping[check.column];
        if (!textFields.has(target) || imported.status[check.row] !== 'created' || check.value.trim() === '') continue;
        const user = await imported.user(check.row);
        const arrived = (user as unknown as Record<string, unknown>)[target];
        // The directory trims what it stores; nothing else may change.
        expect(arrived, `row ${check.row} ${check.column} → ${target}`).toBe(check.value.trim());
        checked++;
      }
      expect(checked, 'spot checks compared on the server').toBeGreaterThan(0);
    }
    await c.check?.(imported);
  } finally {
    await dir.close();
  }
}

const groupNames = (user: User) => user.groups.map((g) => g.name).sort();

/** What the format's mapping rules must deliver beyond the spot checks (DESIGN.md §7). */
const fixtureExtras: Record<string, Pick<Case, 'setup' | 'check'>> = {
  // Chamilo Status words: user → the student role, teacher → the teacher role; Courses → groups.
  'chamilo-users.csv': {
    async check({ user }) {
      const jmunoz = await user(0);
      expect(jmunoz).toMatchObject({ username: 'jmunoz', roles: ['end_user'], officialCode: '00123' });
      expect(groupNames(jmunoz)).toEqual(['CHEM101', 'MATH101', 'PHYS101']);
      expect(await user(1)).toMatchObject({ username: 'zangstrom', roles: ['content_admin'] });
      expect(groupNames(await user(1))).toEqual(['PHYS101']);
    },
  },
  // Chamilo XML numeric Status: 5 = student, 1 = teacher.
  'chamilo-users.xml': {
    async check({ user }) {
      expect(await user(0)).toMatchObject({ username: 'amunoz', roles: ['end_user'] });
      expect(await user(1)).toMatchObject({ username: 'zangstrom', roles: ['content_admin'] });
      expect(await user(3)).toMatchObject({ username: 'jmuller', roles: ['content_admin'] });
    },
  },
  // Moodle course/group/cohort columns → groups; profile_field_shirtsize → the custom field; suspended → inactive.
  'moodle-users.csv': {
    async setup(dir) {
      const created = await dir.call('POST', '/api/v1/custom-fields', { key: 'shirtsize', label: 'Shirt size', type: 'text' });
      expect(created.status, created.text).toBe(201);
    },
    async check({ user }) {
      const zangstrom = await user(1);
      expect(zangstrom).toMatchObject({ username: 'zangstrom', customFields: { shirtsize: 'M' }, active: true });
      expect(groupNames(zangstrom)).toEqual(['PHYS101', 'cohort2024']);
      expect(groupNames(await user(2))).toEqual(['Group A', 'MATH101', 'cohort2024']);
      expect(await user(9)).toMatchObject({ username: 'kfischer', active: false, customFields: { shirtsize: 'XL' } });
      expect(groupNames(await user(12))).toEqual(['Group B', 'MATH101']);
    },
  },
};

/** A fixture's rows that must be refused: those with an objective problem, and the later row of each duplicate pair. */
const refusedRows = (facts: any): number[] =>
  [
    ...new Set<number>([
      ...(facts.rowProblems ?? []).map((p: { row: number }) => p.row),
      ...(facts.duplicates ?? []).map(([, j]: [number, number]) => j),
    ]),
  ].sort((a, b) => a - b);

const fixtureCases: [string, Case][] = Object.entries(expected).map(([name, facts]) => [
  name,
  { path: () => join(fixtures, name), rows: facts.dataRows, fixture: name, refused: refusedRows(facts), ...fixtureExtras[name] },
]);

const passwords = { bcrypt: 'Bcrypt-Secret-1', argon2: 'Argon2-Secret-1', pbkdf2: 'Pbkdf2-Secret-1' };

const generatedCases: [string, Case][] = [
  [
    'entra-bulk-create (generated)',
    {
      rows: 3,
      path: () =>
        file(
          'entra.csv',
          'version:v1.0\r\nName [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required,First name [givenName],Last name [surname],Job title [jobTitle],Office phone [telephoneNumber]\r\n' +
            'Chris Green,chris@contoso.example.com,Secret-Pass-1,No,Chris,Green,Engineer,+1 555 0101\r\n' +
            'Ada Blocked,ada@contoso.example.com,Secret-Pass-2,Yes,Ada,Blocked,,\r\n' +
            'Noé Ünal,noe@contoso.example.com,Secret-Pass-3,No,Noé,Ünal,Designer,\r\n',
        ),
      async check({ user }) {
        expect(await user(0)).toMatchObject({
          username: 'chris@contoso.example.com',
          email: 'chris@contoso.example.com',
          displayName: 'Chris Green',
          phone: '+1 555 0101',
          active: true,
        });
        expect((await user(1)).active).toBe(false);
        expect(await user(2)).toMatchObject({ firstName: 'Noé', lastName: 'Ünal' });
      },
    },
  ],
  [
    'google-workspace (generated)',
    {
      rows: 3,
      path: () =>
        file(
          'google.csv',
          'First Name [Required],Last Name [Required],Email Address [Required],Password [Required],Org Unit Path [Required],New Status [UPLOAD ONLY],Employee ID,Mobile Phone\n' +
            'Ana,Ruiz,ana@example.com,****,/,Active,E-001,+34 600 000 001\n' +
            'Ben,Ode,ben@example.com,N3w-Password!,/Sales,Suspended,E-002,\n' +
            'Çelik,Aydın,celik@example.com,Another-Pass-9,/,Active,0042,\n',
        ),
      async check({ user, dir }) {
        expect(await user(0)).toMatchObject({
          username: 'ana@example.com',
          firstName: 'Ana',
          officialCode: 'E-001',
          phone: '+34 600 000 001',
          active: true,
        });
        expect((await user(1)).active).toBe(false);
        expect(await user(2)).toMatchObject({ firstName: 'Çelik', officialCode: '0042' });
        // The password given in the file is the one the directory checks.
        const signIn = await request(`${dir.url}/api/v1/auth/login`, 'POST', {
          username: 'celik@example.com',
          password: 'Another-Pass-9',
        });
        expect(signIn.status, signIn.text).toBe(200);
      },
    },
  ],
  [
    'okta-csv (generated)',
    {
      rows: 2,
      path: () =>
        file(
          'okta.csv',
          'login,firstName,lastName,email,mobilePhone,primaryPhone,employeeNumber,preferredLanguage,secondEmail\n' +
            'kim@example.org,Kim,Lee,kim@example.org,,+1 555 0100,007,fr,kim.alt@example.net\n' +
            'lou,Lou,Park,lou@example.org,+1 555 0199,+1 555 0198,,es,\n',
        ),
      async check({ user }) {
        expect(await user(0)).toMatchObject({
          username: 'kim@example.org',
          phone: '+1 555 0100',
          officialCode: '007',
          language: 'fr',
        });
        expect(await user(1)).toMatchObject({ username: 'lou', email: 'lou@example.org', phone: '+1 555 0199' });
      },
    },
  ],
  [
    'auth0-json with password hashes (generated)',
    {
      rows: 4,
      refused: [3],
      async path() {
        const salt = Buffer.from('auth0-test-salt!');
        const { pbkdf2Sync } = await import('node:crypto');
        const pbkdf2 = pbkdf2Sync(passwords.pbkdf2, salt, 1000, 32, 'sha256');
        const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
        return file(
          'auth0.json',
          JSON.stringify([
            {
              user_id: 'auth0|1',
              email: 'bcrypt@example.com',
              email_verified: true,
              given_name: 'Bea',
              family_name: 'Crypt',
              password_hash: bcrypt.hashSync(passwords.bcrypt, 4),
              user_metadata: { theme: 'dark' },
            },
            {
              user_id: 'auth0|2',
              email: 'argon@example.com',
              email_verified: false,
              given_name: 'Aron',
              family_name: 'Two',
              custom_password_hash: {
                algorithm: 'argon2',
                hash: { value: await argon2Hash(passwords.argon2, { memoryCost: 4096, timeCost: 3, parallelism: 1 }) },
              },
            },
            {
              user_id: 'auth0|3',
              email: 'pbkdf2@example.com',
              given_name: 'Pia',
              family_name: 'Kdf',
              custom_password_hash: {
                algorithm: 'pbkdf2',
                hash: { value: `$pbkdf2-sha256$i=1000$${b64(salt)}$${b64(pbkdf2)}` },
              },
            },
            {
              user_id: 'auth0|4',
              email: 'md5@example.com',
              given_name: 'Md',
              family_name: 'Five',
              custom_password_hash: { algorithm: 'md5', hash: { value: '5f4dcc3b5aa765d61d8327deb882cf99' } },
            },
          ]),
        );
      },
      async check({ user, dir }) {
        expect(await user(0)).toMatchObject({ username: 'bcrypt@example.com', firstName: 'Bea', emailVerified: true });
        expect((await user(1)).emailVerified).toBe(false);
        const login = (username: string, password: string) =>
          request(`${dir.url}/api/v1/auth/login`, 'POST', { username, password });
        expect((await login('bcrypt@example.com', 'not-the-password')).status).toBe(401);
        for (const [email, password] of [
          ['bcrypt@example.com', passwords.bcrypt],
          ['argon@example.com', passwords.argon2],
          ['pbkdf2@example.com', passwords.pbkdf2],
        ] as const) {
          const signIn = await login(email, password);
          expect(signIn.status, `${email}: ${signIn.text}`).toBe(200);
        }
      },
    },
  ],
  [
    'ldif (generated)',
    {
      rows: 3,
      path: () =>
        file(
          'people.ldif',
          'version: 1\n\n# exported from slapd\ndn: uid=jdoe,ou=people,dc=example,dc=com\nobjectClass: top\nobjectClass: inetOrgPerson\nuid: jdoe\ngivenName: John\nsn: Doe\nmail: jdoe@example.com\ncn: John\n  Doe\ntelephoneNumber: 0201 555 0100\nemployeeNumber: 000123\nmemberOf: Sales\nmemberOf: Staff\n\n' +
            `dn: uid=zoe,ou=people,dc=example,dc=com\nuid: zoe\ngivenName:: ${Buffer.from('Zoë').toString('base64')}\nsn: Ångström\nmail: zoe@example.com\nmemberOf: Staff\n\n` +
            'dn: uid=raj,ou=people,dc=example,dc=com\r\nuid: raj\r\ngivenName: Raj\r\nsn: Patel\r\nmail: raj@example.com\r\n',
        ),
      async check({ user }) {
        const john = await user(0);
        expect(john).toMatchObject({ username: 'jdoe', displayName: 'John Doe', phone: '0201 555 0100', officialCode: '000123' });
        expect(john.groups.map((g) => g.name).sort()).toEqual(['Sales', 'Staff']);
        expect(await user(1)).toMatchObject({ firstName: 'Zoë', lastName: 'Ångström' });
        expect((await user(1)).groups.map((g) => g.name)).toEqual(['Staff']);
        expect((await user(2)).email).toBe('raj@example.com');
      },
    },
  ],
  [
    'chamilo-xml (generated, UTF-8)',
    {
      rows: 2,
      path: () =>
        file(
          'chamilo-utf8.xml',
          '<?xml version="1.0" encoding="UTF-8"?>\n<Contacts>\n  <Contact>\n    <LastName>Đặng</LastName>\n    <FirstName>Thu</FirstName>\n    <UserName>tdang</UserName>\n    <Password>Xml-Pass-01</Password>\n    <Email>tdang@example.net</Email>\n    <OfficialCode>0099</OfficialCode>\n    <PhoneNumber/>\n    <Status>1</Status>\n  </Contact>\n  <Contact>\n    <LastName>O&apos;Brien &amp; Sons</LastName>\n    <FirstName>Liam</FirstName>\n    <UserName>lobrien</UserName>\n    <Password></Password>\n    <Email>lobrien@example.net</Email>\n    <OfficialCode></OfficialCode>\n    <PhoneNumber>+353 1 555 0100</PhoneNumber>\n    <Status>5</Status>\n  </Contact>\n</Contacts>\n',
        ),
      async check({ user }) {
        expect(await user(0)).toMatchObject({ lastName: 'Đặng', officialCode: '0099', roles: ['content_admin'] });
        expect(await user(1)).toMatchObject({ lastName: "O'Brien & Sons", phone: '+353 1 555 0100', roles: ['end_user'] });
      },
    },
  ],
  [
    'userdeck-template XLSX written by exceljs (shared strings, numbers, dates, booleans, lists, custom field)',
    {
      rows: 3,
      async setup(dir) {
        const created = await dir.call('POST', '/api/v1/custom-fields', {
          key: 'shirt',
          label: 'Shirt size',
          type: 'select',
          options: ['S', 'M', 'L'],
        });
        expect(created.status, created.text).toBe(201);
      },
      async path() {
        const workbook = new ExcelJS.Workbook();
        const sheet = workbook.addWorksheet('Users');
        sheet.addRow(['username', 'email', 'firstName', 'lastName', 'officialCode', 'active', 'groups', 'tags', 'cf.shirt']);
        sheet.addRow(['xl.one', 'xl.one@example.com', 'Excel', 'One', 1042, true, 'Sales|Staff', 'vip', 'M']);
        sheet.addRow(['xl.two', 'xl.two@example.com', 'Excel', 'Två', '0042', false, 'Staff', '', 'L']);
        sheet.addRow(['xl.three', 'xl.three@example.com', 'Excel', 'Three', null, null, '', '', '']);
        workbook.addWorksheet('Instructions').addRow(['not users']);
        const path = join(work, 'template-filled.xlsx');
        await workbook.xlsx.writeFile(path);
        return path;
      },
      async check({ user }) {
        const one = await user(0);
        expect(one).toMatchObject({ officialCode: '1042', active: true, tags: ['vip'], customFields: { shirt: 'M' } });
        expect(one.groups.map((g) => g.name).sort()).toEqual(['Sales', 'Staff']);
        expect(await user(1)).toMatchObject({
          lastName: 'Två',
          officialCode: '0042',
          active: false,
          customFields: { shirt: 'L' },
        });
        expect((await user(2)).active).toBe(true);
      },
    },
  ],
  [
    'generic TSV in UTF-16 with BOM (generated)',
    {
      rows: 2,
      path: () =>
        file(
          'users-utf16.txt',
          Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            iconv.encode(
              'Usuario\tCorreo\tNombre\tApellido\tTeléfono\r\nnoé\tnoe@example.com\tNoé\tGarçon\t600 111 222\r\nmaría\tmaria@example.com\tMaría\tPeña\t\r\n',
              'utf16le',
            ),
          ]),
        ),
      async check({ user }) {
        expect(await user(0)).toMatchObject({ username: 'noé', lastName: 'Garçon', phone: '600 111 222' });
        expect((await user(1)).lastName).toBe('Peña');
      },
    },
  ],
];

describe('every listed format imports through plan and apply: nothing lost, nothing duplicated', () => {
  it.each([...fixtureCases, ...generatedCases])('%s', async (_name, c) => importFile(c), 60_000);
});
