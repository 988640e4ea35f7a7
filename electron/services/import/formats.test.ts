/**
 * Every format of DESIGN.md §7 is recognised from its header and content and mapped to the user
 * model, from small files in each tool's real layout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultFieldSchema } from '../../../common/users/fields';
import { inspectFile } from './inspect';
import { prepareFile } from './prepare';
import { readUser, toUserWrite, type ReadUser } from './record';
import { MappingPresets } from './presets';

const dir = mkdtempSync(join(tmpdir(), 'userdeck-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function users(path: string, options = {}): Promise<{ format: string; users: ReadUser[] }> {
  const prepared = await prepareFile(path, { schema: null, ...options });
  const out: ReadUser[] = [];
  for await (const batch of prepared.table.batches()) for (const r of batch) out.push(readUser(r.cells, prepared.mapping, null));
  return { format: prepared.format, users: out };
}

describe('format recognition and mapping', () => {
  it('Entra bulk create: version line, Label [attribute] headers, Block sign in', async () => {
    const path = file(
      'entra.csv',
      'version:v1.0\r\nName [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required,First name [givenName],Last name [surname],Job title [jobTitle]\r\n' +
        'Chris Green,chris@contoso.example.com,Secret-Pass-1,No,Chris,Green,Engineer\r\nAda Blocked,ada@contoso.example.com,Secret-Pass-2,Yes,Ada,Blocked,\r\n',
    );
    const report = await inspectFile(path, { schema: null });
    expect(report).toMatchObject({ format: 'entra-bulk-create', headerRow: 1, dataRows: 2, delimiter: ',' });
    expect(report.mapping['User name [userPrincipalName] Required']).toBe('username');
    expect(report.mapping['Job title [jobTitle]']).toBeNull();
    const {
      users: [chris, ada],
    } = await users(path);
    expect(chris!.fields).toMatchObject({
      username: 'chris@contoso.example.com',
      email: 'chris@contoso.example.com',
      active: true,
      displayName: 'Chris Green',
    });
    expect(ada!.fields.active).toBe(false);
    expect(report.problems).toEqual([]);
  });

  it('Google Workspace: **** keeps the current password', async () => {
    const path = file(
      'google.csv',
      'First Name [Required],Last Name [Required],Email Address [Required],Password [Required],Org Unit Path [Required],New Status [UPLOAD ONLY]\n' +
        'Ana,Ruiz,ana@example.com,****,/,Active\nBen,Ode,ben@example.com,N3w-Password!,/Sales,Suspended\n',
    );
    const {
      format,
      users: [ana, ben],
    } = await users(path);
    expect(format).toBe('google-workspace');
    expect(ana!.keepPassword).toBe(true);
    expect(toUserWrite(ana!, null)).not.toHaveProperty('password');
    expect(ana!.fields).toMatchObject({ username: 'ana@example.com', email: 'ana@example.com', active: true });
    expect(ben!.fields).toMatchObject({ password: 'N3w-Password!', active: false });
  });

  it('Okta CSV', async () => {
    const path = file(
      'okta.csv',
      'login,firstName,lastName,email,mobilePhone,secondEmail\nkim@example.org,Kim,Lee,kim@example.org,+1 555 0100,\n',
    );
    const {
      format,
      users: [kim],
    } = await users(path);
    expect(format).toBe('okta-csv');
    expect(kim!.fields).toMatchObject({ username: 'kim@example.org', firstName: 'Kim', phone: '+1 555 0100' });
  });

  it('Auth0 JSON: password_hash and custom_password_hash become imported hashes', async () => {
    const path = file(
      'auth0.json',
      JSON.stringify([
        {
          email: 'a@example.com',
          email_verified: true,
          given_name: 'A',
          family_name: 'One',
          password_hash: '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234',
          user_metadata: { theme: 'dark' },
        },
        {
          email: 'b@example.com',
          email_verified: false,
          given_name: 'B',
          family_name: 'Two',
          custom_password_hash: { algorithm: 'argon2', hash: { value: '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaA' } },
        },
        {
          email: 'c@example.com',
          given_name: 'C',
          family_name: 'Three',
          custom_password_hash: { algorithm: 'md5', hash: { value: '5f4dcc3b5aa765d61d8327deb882cf99' } },
        },
      ]),
    );
    const report = await inspectFile(path, { schema: null });
    expect(report.format).toBe('auth0-json');
    expect(report.columns).toEqual([
      'email',
      'email_verified',
      'given_name',
      'family_name',
      'password_hash',
      'user_metadata',
      'custom_password_hash',
    ]);
    const {
      users: [a, b, c],
    } = await users(path);
    expect(a!.fields).toMatchObject({
      username: 'a@example.com',
      emailVerified: true,
      passwordHash: expect.stringMatching(/^\$2b\$/),
    });
    expect(b!.fields.passwordHash).toMatch(/^\$argon2id\$/);
    expect(c!.problems[0]).toMatchObject({ field: 'passwordHash', message: expect.stringContaining('md5') });
    expect(report.problems.map((p) => [p.row, p.column])).toEqual([[2, 'custom_password_hash']]);
  });

  it('Auth0 export as newline-delimited JSON', async () => {
    const path = file(
      'auth0.ndjson',
      '{"user_id":"auth0|1","email":"x@example.com","name":"X Y"}\n{"user_id":"auth0|2","email":"y@example.com","name":"Y Z"}\n',
    );
    const report = await inspectFile(path, { schema: null });
    expect(report).toMatchObject({ format: 'auth0-json', dataRows: 2, headerRow: null, delimiter: null });
  });

  it('LDIF: dn first, folded lines, base64 values, multi-valued attributes', async () => {
    const path = file(
      'people.ldif',
      'version: 1\n\n# a comment\ndn: uid=jdoe,ou=people,dc=example,dc=com\nobjectClass: top\nobjectClass: inetOrgPerson\nuid: jdoe\ngivenName: John\nsn: Doe\nmail: jdoe@example.com\ncn: John\n  Doe\nmemberOf: Sales\nmemberOf: Staff\n\n' +
        `dn: uid=zoe,ou=people,dc=example,dc=com\nuid: zoe\ngivenName:: ${Buffer.from('Zoë').toString('base64')}\nsn: Ångström\nmail: zoe@example.com\n`,
    );
    const report = await inspectFile(path, { schema: null });
    expect(report).toMatchObject({ format: 'ldif', dataRows: 2, encoding: 'utf-8' });
    expect(report.columns).toEqual(['dn', 'objectClass', 'uid', 'givenName', 'sn', 'mail', 'cn', 'memberOf']);
    const {
      users: [john, zoe],
    } = await users(path);
    expect(john!.fields).toMatchObject({ username: 'jdoe', displayName: 'John Doe', groups: ['Sales', 'Staff'] });
    expect(zoe!.fields.firstName).toBe('Zoë');
  });

  it('Userdeck template, and generic files by Spanish and French synonyms', async () => {
    expect(
      (
        await inspectFile(
          file('t.csv', 'username,email,firstName,lastName,roles\nann,ann@example.com,Ann,Lee,end_user|auditor\n'),
          { schema: null },
        )
      ).format,
    ).toBe('userdeck-template');
    const es = await inspectFile(
      file('es.csv', 'Nombre;Apellido;Correo;Usuario;Teléfono\nAna;Ruiz;ana@example.com;aruiz;600 111 222\n'),
      { schema: null },
    );
    expect(es.mapping).toEqual({
      Nombre: 'firstName',
      Apellido: 'lastName',
      Correo: 'email',
      Usuario: 'username',
      Teléfono: 'phone',
    });
    const fr = await inspectFile(file('fr.csv', 'Prénom,Nom,Courriel,Mot de passe\nÉlise,Roy,elise@example.com,Motdepasse1\n'), {
      schema: null,
    });
    expect(fr.mapping).toEqual({ Prénom: 'firstName', Nom: 'lastName', Courriel: 'email', 'Mot de passe': 'password' });
  });

  it('unknown columns are ignored or kept as custom fields, as the admin chooses; the schema maps labels', async () => {
    const path = file('custom.csv', 'email,first name,last name,T-shirt size,Favourite colour\nann@example.com,Ann,Lee,M,blue\n');
    expect((await inspectFile(path, { schema: null })).mapping['T-shirt size']).toBeNull();
    expect((await inspectFile(path, { schema: null, unknownColumns: 'custom' })).mapping['T-shirt size']).toBe(
      'customFields.t_shirt_size',
    );
    const schema = {
      ...defaultFieldSchema,
      customFields: [
        {
          key: 'shirt',
          label: 'T-shirt size',
          type: 'select' as const,
          required: false,
          pattern: null,
          options: ['S', 'M'],
          description: null,
        },
      ],
    };
    const report = await inspectFile(path, { schema });
    expect(report.mapping['T-shirt size']).toBe('customFields.shirt');
    expect(report.problems).toEqual([]);
    const bad = await inspectFile(
      file('custom-bad.csv', 'email,first name,last name,T-shirt size\nann@example.com,Ann,Lee,XXL\n'),
      { schema },
    );
    expect(bad.problems[0]).toMatchObject({ row: 0, column: 'T-shirt size', code: 'notAnOption' });
  });

  it('a saved preset is applied when the same header comes back; --map overrides', async () => {
    const presets = new MappingPresets(join(dir, 'presets'));
    const path = file('preset.csv', 'Who,Mail\nann,ann@example.com\n');
    const first = await prepareFile(path, { schema: null, overrides: { Who: 'username' } });
    expect(first.mapping.columns[0]).toMatchObject({ column: 'Who', target: 'username' });
    presets.save('HR export', ['Who', 'Mail'], first.mapping);
    const again = await prepareFile(file('preset2.csv', 'Who,Mail\nbob,bob@example.com\n'), { schema: null, presets });
    expect(again.mapping.source).toBe('preset');
    expect(again.mapping.columns[0]!.target).toBe('username');
    await expect(prepareFile(path, { schema: null, overrides: { Who: 'shoeSize' } })).rejects.toThrow(/not a user field/);
  });
});

describe('mapping rules of Chamilo and Moodle', () => {
  const role = (key: string, name: string) => ({ key, name });

  it('Chamilo Status: 1 and teacher → the teacher role, 5 and user → the student role, anything else a problem', async () => {
    const path = file(
      'chamilo-status.csv',
      'LastName;FirstName;Email;UserName;Status\nA;A;a@example.com;a;1\nB;B;b@example.com;b;5\nC;C;c@example.com;c;teacher\nD;D;d@example.com;d; User \nE;E;e@example.com;e;admin\nF;F;f@example.com;f;\n',
    );
    const { format, users: list } = await users(path);
    expect(format).toBe('chamilo-csv');
    // No schema (offline): the built-in roles' keys.
    expect(list.map((u) => u.fields.roles)).toEqual([
      ['content_admin'],
      ['end_user'],
      ['content_admin'],
      ['end_user'],
      undefined,
      undefined,
    ]);
    expect(list[4]!.problems).toEqual([
      { field: 'roles', code: 'unknownRole', message: 'unknown Chamilo status: admin (expected 1/teacher or 5/student)' },
    ]);
    expect(list[5]!.problems).toEqual([]);
    // A directory with roles named Teacher and Student gets those.
    const schema = { ...defaultFieldSchema, roles: [role('teacher', 'Teacher'), role('learner', 'Student')] };
    const prepared = await prepareFile(path, { schema });
    const read = [];
    for await (const batch of prepared.table.batches())
      for (const r of batch) read.push(readUser(r.cells, prepared.mapping, schema));
    expect(read.slice(0, 4).map((u) => u.fields.roles)).toEqual([['teacher'], ['learner'], ['teacher'], ['learner']]);
  });

  it('Chamilo XML: numeric Status and Courses', async () => {
    const path = file(
      'chamilo.xml',
      '<?xml version="1.0" encoding="UTF-8"?><Contacts><Contact><UserName>t</UserName><Email>t@example.com</Email><LastName>T</LastName><FirstName>T</FirstName><Status>1</Status><Courses>MATH101|LIT200</Courses></Contact><Contact><UserName>s</UserName><Email>s@example.com</Email><LastName>S</LastName><FirstName>S</FirstName><Status>5</Status><Courses/></Contact></Contacts>',
    );
    const { format, users: list } = await users(path);
    expect(format).toBe('chamilo-xml');
    expect(list.map((u) => [u.fields.roles, u.fields.groups])).toEqual([
      [['content_admin'], ['MATH101', 'LIT200']],
      [['end_user'], undefined],
    ]);
  });

  it('Moodle: course, group and cohort columns → groups; role/enrol columns ignored; profile_field_* → custom fields', async () => {
    const path = file(
      'moodle.csv',
      'username,firstname,lastname,email,course1,role1,group1,cohort1,course2,group2,enrolperiod1,profile_field_shirtsize,profile_field_unknown\n' +
        'ann,Ann,Lee,ann@example.com,MATH101,student,Group A,cohort2024,PHYS101,Group A,30,M,x\n' +
        'bob,Bob,Roe,bob@example.com,LIT200,editingteacher,,,,,,,\n',
    );
    const offline = await inspectFile(path, { schema: null });
    expect(offline.format).toBe('moodle-csv');
    expect(offline.mapping).toMatchObject({
      course1: 'groups',
      group1: 'groups',
      cohort1: 'groups',
      course2: 'groups',
      group2: 'groups',
      role1: null,
      enrolperiod1: null,
      // Offline, every profile field is kept for the directory to judge.
      profile_field_shirtsize: 'customFields.shirtsize',
      profile_field_unknown: 'customFields.unknown',
    });
    const {
      users: [ann, bob],
    } = await users(path);
    // One group per distinct name, in column order.
    expect(ann!.fields.groups).toEqual(['MATH101', 'Group A', 'cohort2024', 'PHYS101']);
    expect(bob!.fields.groups).toEqual(['LIT200']);
    expect(ann!.fields.roles).toBeUndefined();
    // Against a directory, a profile field it has (by key or label) maps; one it lacks is ignored and said so.
    const schema = {
      ...defaultFieldSchema,
      customFields: [
        {
          key: 'shirt',
          label: 'ShirtSize',
          type: 'text' as const,
          required: false,
          pattern: null,
          options: [],
          description: null,
        },
      ],
    };
    const online = await inspectFile(path, { schema });
    expect(online.mapping).toMatchObject({ profile_field_shirtsize: 'customFields.shirt', profile_field_unknown: null });
    expect(online.notices).toContainEqual({
      code: 'unknownCustomField',
      message: 'column "profile_field_unknown" ignored: the directory has no custom field "unknown"',
    });
    const prepared = await prepareFile(path, { schema });
    const read = [];
    for await (const batch of prepared.table.batches())
      for (const r of batch) read.push(readUser(r.cells, prepared.mapping, schema));
    expect(toUserWrite(read[0]!, schema).customFields).toEqual({ shirt: 'M' });
  });
});

describe('text detection', () => {
  it('mixed LF, CRLF and bare CR line ends, a title row and blank lines above the header', async () => {
    const path = file(
      'mixed.csv',
      'Users exported 2024-03-01\n\nusername,email,first name\r\nann,ann@example.com,Ann\rbob,bob@example.com,"Bob\r\nJr"\ncid,cid@example.com,Cid',
    );
    const report = await inspectFile(path, { schema: null });
    expect(report).toMatchObject({ headerRow: 2, dataRows: 3, delimiter: ',' });
    const { users: list } = await users(path);
    expect(list.map((u) => u.fields.firstName)).toEqual(['Ann', 'Bob\r\nJr', 'Cid']);
  });

  it('UTF-16 with BOM, tab-separated; ISO-8859-1 when declared; pipes', async () => {
    const tsv = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode('username\temail\tNom\nnoé\tnoe@example.com\tGarçon\n', 'utf16le'),
    ]);
    expect(await inspectFile(file('u16.txt', tsv), { schema: null })).toMatchObject({
      encoding: 'utf-16le',
      delimiter: '\t',
      dataRows: 1,
    });
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('username|email\nnoé|noe@example.com\n', 'utf16be')]);
    expect(await inspectFile(file('u16be.csv', be), { schema: null })).toMatchObject({ encoding: 'utf-16be', delimiter: '|' });
    const latin = iconv.encode('username;email;Nom\nnoé;noe@example.com;Garçon\n', 'latin1');
    const {
      users: [noe],
    } = await users(file('latin.csv', latin));
    expect(noe!.fields.username).toBe('noé');
  });
});
