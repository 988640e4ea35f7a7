/**
 * Exports round-trip: random users (awkward characters included) exported to CSV, XLSX, JSON and
 * Chamilo XML import back to the same data; formula-looking cells are escaped exactly as OWASP says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { User } from '../../../common/users/user';
import type { FieldSchema } from '../../../common/users/fields';
import { defaultFieldSchema } from '../../../common/users/fields';
import { openTable } from '../files/open';
import { prepareFile } from '../import/prepare';
import { readUser } from '../import/record';
import { convertFile } from './convert';
import { escapeFormula, unescapeFormula } from './escape';
import { writeTemplate } from './template';
import { exportUsers } from './users';

const dir = mkdtempSync(join(tmpdir(), 'userdeck-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = join(import.meta.dirname, '../../../../shared/fixtures/imports');

const schema: FieldSchema = {
  ...defaultFieldSchema,
  customFields: [
    {
      key: 'shirt',
      label: 'Shirt size',
      type: 'select',
      required: false,
      pattern: null,
      options: ['S', 'M', 'L'],
      description: null,
    },
    { key: 'notes', label: 'Notes', type: 'text', required: false, pattern: null, options: [], description: 'Free text' },
  ],
};

// Awkward text: quotes, delimiters, line breaks of every kind, formula starters, spaces, non-Latin scripts.
const awkward = fc.stringMatching(/^[a-zA-Z0-9 ,;|"'=+\-@\t\r\n.éñŁ日本😀]{0,12}$/u);
const nonBlank = awkward.filter((s) => s.trim() !== '');

function makeUser(
  i: number,
  fields: { firstName: string; lastName: string; displayName: string; notes: string; phone: string },
): User {
  return {
    id: `id-${i}`,
    username: `user${i}`,
    email: `user${i}@example.com`,
    firstName: fields.firstName,
    lastName: fields.lastName,
    maternalSurname: null,
    displayName: fields.displayName || null,
    officialCode: `00${i}`,
    phone: fields.phone || null,
    language: 'es',
    languageLocked: false,
    avatarUrl: null,
    external: i % 2 === 0,
    source: 'manual',
    active: i % 3 !== 0,
    inactiveReason: null,
    statusNote: null,
    emailVerified: false,
    enrollment: 'none',
    invitationResends: 0,
    expiresAt: null,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    lastLoginAt: null,
    loginCount: 0,
    deletedAt: null,
    anonymizedAt: null,
    roles: i % 2 ? ['end_user'] : ['end_user', 'content_admin'],
    groups: [{ id: 'g1', name: 'Group A' }],
    tags: [],
    badges: [],
    license: null,
    customFields: { shirt: 'M', notes: fields.notes || null },
    version: 1,
  };
}

async function* pages(users: User[]) {
  yield users;
}

async function readBack(path: string) {
  const prepared = await prepareFile(path, { schema });
  const users = [];
  for await (const batch of prepared.table.batches())
    for (const record of batch) users.push(readUser(record.cells, prepared.mapping, schema));
  return { prepared, users };
}

describe('export round trip', () => {
  const record = fc.record({ firstName: nonBlank, lastName: nonBlank, displayName: awkward, notes: awkward, phone: awkward });
  for (const format of ['csv', 'xlsx', 'json'] as const) {
    it(`${format}: every field comes back exactly`, async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 8 }), async (rows) => {
          const users = rows.map((r, i) => makeUser(i, r));
          const out = join(dir, `rt-${run++}.${format}`);
          await exportUsers(pages(users), out, { format, schema });
          const { prepared, users: back } = await readBack(out);
          expect(prepared.format).toBe('userdeck-template');
          expect(back).toHaveLength(users.length);
          back.forEach((b, i) => {
            const u = users[i]!;
            expect(b.fields.firstName).toBe(u.firstName);
            expect(b.fields.lastName).toBe(u.lastName);
            expect(b.fields.displayName ?? null).toBe(u.displayName);
            expect(b.fields.phone ?? null).toBe(u.phone);
            expect(b.fields.officialCode).toBe(u.officialCode);
            expect(b.fields.active).toBe(u.active);
            expect(b.fields.external).toBe(u.external);
            expect(b.fields.roles).toEqual(u.roles);
            expect(b.fields.groups).toEqual(['Group A']);
            expect(b.customFields.notes ?? null).toBe(u.customFields.notes);
            expect(b.customFields.shirt).toBe('M');
          });
        }),
        { numRuns: format === 'xlsx' ? 15 : 40 },
      );
    });
  }

  it('xml: Chamilo-compatible, and its fields come back', async () => {
    const users = [
      makeUser(1, { firstName: 'Zoë & <Ann>', lastName: ' Muñoz\r\n', displayName: '', notes: '', phone: '+34 600' }),
      makeUser(2, { firstName: 'Łukasz', lastName: '=Eve', displayName: '', notes: '', phone: '' }),
    ];
    const out = join(dir, 'users.xml');
    await exportUsers(pages(users), out, { format: 'xml', schema });
    expect(readFileSync(out, 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Contacts>\n {4}<Contact>/);
    const { prepared, users: back } = await readBack(out);
    expect(prepared.format).toBe('chamilo-xml');
    expect(back.map((b) => [b.fields.username, b.fields.firstName, b.fields.lastName, b.fields.roles])).toEqual([
      ['user1', 'Zoë & <Ann>', ' Muñoz\r\n', ['end_user']],
      ['user2', 'Łukasz', '=Eve', ['content_admin']],
    ]);
  });
});

describe('formula escaping (OWASP CSV injection)', () => {
  const facts = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8'))['formula-injection.csv'];
  const must = new Set<string>(facts.mustEscapeOnExport.map((c: { row: number; column: string }) => `${c.row}|${c.column}`));

  it('escape and unescape are inverse, for every string', () => {
    fc.assert(fc.property(fc.string(), (s) => unescapeFormula(escapeFormula(s)) === s));
    expect(escapeFormula('=1+1')).toBe("'=1+1");
    expect(escapeFormula("'=1")).toBe("''=1");
    expect(escapeFormula('a=b')).toBe('a=b');
  });

  for (const ext of ['csv', 'xlsx'] as const) {
    it(`${ext}: exactly the cells of mustEscapeOnExport change, by a leading quote`, async () => {
      const original = await openTable(join(fixtures, 'formula-injection.csv'));
      const before: string[][] = [];
      for await (const b of original.batches()) for (const r of b) before.push(r.cells);
      const out = join(dir, `formula.${ext}`);
      await convertFile(join(fixtures, 'formula-injection.csv'), out);
      const after: string[][] = [];
      if (ext === 'csv') {
        const table = await openTable(out);
        for await (const b of table.batches()) for (const r of b) after.push(r.cells);
      } else {
        const table = await openTable(out);
        expect(table.kind).toBe('xlsx');
        for await (const b of table.batches()) for (const r of b) after.push(r.cells);
      }
      expect(after).toHaveLength(before.length);
      before.forEach((cells, row) =>
        cells.forEach((value, i) => {
          const escaped = must.has(`${row}|${original.columns[i]}`);
          expect(after[row]![i], `${row}/${original.columns[i]}`).toBe(escaped ? `'${value}` : value);
        }),
      );
    });
  }
});

describe('templates', () => {
  it('xlsx: frozen header, notes, dropdowns for select and boolean fields, instructions in French', async () => {
    const out = join(dir, 'template.xlsx');
    const columns = await writeTemplate(out, 'xlsx', schema, 'fr');
    expect(columns).toContain('cf.shirt');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.getWorksheet('Users')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = sheet.getRow(1);
    const shirtCol = columns.indexOf('cf.shirt') + 1;
    expect(header.getCell(shirtCol).value).toBe('cf.shirt');
    expect(JSON.stringify(header.getCell(shirtCol).note)).toContain('Shirt size');
    const validations = (sheet as any).dataValidations.model as Record<string, { type: string; formulae: string[] }>;
    const shirt = Object.entries(validations).find(([range]) => range.startsWith(sheet.getColumn(shirtCol).letter));
    expect(shirt?.[1]).toMatchObject({ type: 'list', formulae: ['"S,M,L"'] });
    const activeLetter = sheet.getColumn(columns.indexOf('active') + 1).letter;
    expect(Object.entries(validations).find(([range]) => range.startsWith(activeLetter))?.[1].formulae).toEqual(['"true,false"']);
    const help = workbook.getWorksheet('Instructions')!;
    expect(String(help.getCell('A1').value)).toBe('Comment remplir ce modèle');
    // The template imports as Userdeck's own format, with no rows.
    const { prepared, users } = await readBack(out);
    expect(prepared.format).toBe('userdeck-template');
    expect(users).toHaveLength(0);
  });

  it('csv: the header of every field, custom fields included', async () => {
    const out = join(dir, 'template.csv');
    await writeTemplate(out, 'csv', schema);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFFusername,email,firstName,lastName,')).toBe(true);
    expect(text.trim().endsWith('cf.shirt,cf.notes')).toBe(true);
  });
});
