/**
 * Import templates matching a directory's fields, custom fields included: CSV (the header), or
 * XLSX with a frozen bold header, a note on every column, dropdowns for select fields, booleans
 * and languages, and an instructions sheet in the admin's language.
 */
import ExcelJS from 'exceljs';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { builtinFields, type FieldSchema } from '../../../common/users/fields';
import { templateColumns } from './columns';
import { csvWriter } from './writers/csv';

export type TemplateLanguage = 'en' | 'es' | 'fr';

const texts = {
  en: {
    sheet: 'Instructions',
    title: 'How to fill in this template',
    lines: [
      'One user per row on the "Users" sheet; keep the header row as it is.',
      'Required to create a user: username, email, firstName, lastName.',
      'An empty cell never erases an existing value.',
      'An empty password means "generate one".',
      'Lists (roles, groups, tags, multi-select fields) are separated by |.',
      'Dates are written YYYY-MM-DD; yes/no columns take true or false.',
      'Run a dry run (userdeck plan, or the import wizard) before importing.',
    ],
    required: 'Required.',
    optional: 'Optional.',
    list: 'Several values separated by |.',
    date: 'A date, YYYY-MM-DD.',
    boolean: 'true or false.',
    options: 'One of',
    column: 'Column',
    about: 'What it holds',
  },
  es: {
    sheet: 'Instrucciones',
    title: 'Cómo rellenar esta plantilla',
    lines: [
      'Un usuario por fila en la hoja "Users"; no cambie la fila de encabezado.',
      'Obligatorios para crear un usuario: username, email, firstName, lastName.',
      'Una celda vacía nunca borra un valor existente.',
      'Una contraseña vacía significa "generar una".',
      'Las listas (roles, grupos, etiquetas, campos de selección múltiple) se separan con |.',
      'Las fechas se escriben AAAA-MM-DD; las columnas sí/no admiten true o false.',
      'Haga una simulación (userdeck plan o el asistente de importación) antes de importar.',
    ],
    required: 'Obligatorio.',
    optional: 'Opcional.',
    list: 'Varios valores separados por |.',
    date: 'Una fecha, AAAA-MM-DD.',
    boolean: 'true o false.',
    options: 'Uno de',
    column: 'Columna',
    about: 'Qué contiene',
  },
  fr: {
    sheet: 'Instructions',
    title: 'Comment remplir ce modèle',
    lines: [
      'Un utilisateur par ligne dans la feuille « Users » ; ne modifiez pas la ligne d’en-tête.',
      'Obligatoires pour créer un utilisateur : username, email, firstName, lastName.',
      'Une cellule vide n’efface jamais une valeur existante.',
      'Un mot de passe vide signifie « en générer un ».',
      'Les listes (rôles, groupes, étiquettes, champs à choix multiple) sont séparées par |.',
      'Les dates s’écrivent AAAA-MM-JJ ; les colonnes oui/non acceptent true ou false.',
      'Lancez une simulation (userdeck plan ou l’assistant d’import) avant d’importer.',
    ],
    required: 'Obligatoire.',
    optional: 'Facultatif.',
    list: 'Plusieurs valeurs séparées par |.',
    date: 'Une date, AAAA-MM-JJ.',
    boolean: 'true ou false.',
    options: 'L’une de',
    column: 'Colonne',
    about: 'Contenu',
  },
} as const;

interface ColumnInfo {
  name: string;
  note: string;
  /** Dropdown choices. */
  choices?: string[];
}

function describeColumns(schema: FieldSchema | null, language: TemplateLanguage): ColumnInfo[] {
  const t = texts[language];
  const custom = new Map((schema?.customFields ?? []).map((d) => [`cf.${d.key}`, d]));
  return templateColumns(schema).map((name) => {
    const def = custom.get(name);
    if (def) {
      const parts = [def.label, def.required ? t.required : t.optional];
      if (def.description) parts.push(def.description);
      if (def.type === 'date') parts.push(t.date);
      if (def.type === 'boolean') parts.push(t.boolean);
      if (def.type === 'multiselect') parts.push(t.list, `${t.options}: ${def.options.join(', ')}`);
      if (def.type === 'select') parts.push(`${t.options}: ${def.options.join(', ')}`);
      const choices = def.type === 'select' ? def.options : def.type === 'boolean' ? ['true', 'false'] : undefined;
      return { name, note: parts.join(' '), choices };
    }
    const field = builtinFields.find((f) => f.key === name)!;
    const parts: string[] = [field.required ? t.required : t.optional];
    if (field.type === 'list') parts.push(t.list);
    if (field.type === 'date') parts.push(t.date);
    if (field.type === 'boolean') parts.push(t.boolean);
    if (name === 'roles' && schema?.roles.length) parts.push(`${t.options}: ${schema.roles.map((r) => r.key).join(', ')}`);
    const choices =
      field.type === 'boolean'
        ? ['true', 'false']
        : name === 'language' && schema?.languages.length
          ? schema.languages
          : undefined;
    return { name, note: parts.join(' '), choices };
  });
}

export async function writeTemplate(
  out: string,
  format: 'csv' | 'xlsx',
  schema: FieldSchema | null,
  language: TemplateLanguage = 'en',
): Promise<string[]> {
  const columns = describeColumns(schema, language);
  if (format === 'csv') {
    const writer = await csvWriter(
      out,
      columns.map((c) => c.name),
    );
    await writer.close();
    return columns.map((c) => c.name);
  }
  const t = texts[language];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Users', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    header: c.name,
    key: c.name,
    width: Math.max(14, c.name.length + 4),
    style: { numFmt: '@' },
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  columns.forEach((c, i) => {
    header.getCell(i + 1).note = c.note;
    if (!c.choices?.length) return;
    const letter = sheet.getColumn(i + 1).letter;
    // A list longer than 255 characters cannot be inline: it goes on a hidden sheet.
    const inline = `"${c.choices.join(',')}"`;
    let formula = inline;
    if (inline.length > 255 || c.choices.some((x) => x.includes(','))) {
      const lists = workbook.getWorksheet('Lists') ?? workbook.addWorksheet('Lists', { state: 'veryHidden' });
      const col = lists.columnCount + 1;
      c.choices.forEach((choice, r) => (lists.getCell(r + 1, col).value = choice));
      formula = `Lists!$${lists.getColumn(col).letter}$1:$${lists.getColumn(col).letter}$${c.choices.length}`;
    }
    (sheet as unknown as { dataValidations: { add(range: string, rule: unknown): void } }).dataValidations.add(
      `${letter}2:${letter}10001`,
      {
        type: 'list',
        allowBlank: true,
        formulae: [formula],
        showErrorMessage: true,
        errorTitle: c.name,
        error: c.note,
      },
    );
  });
  const help = workbook.addWorksheet(t.sheet);
  help.getColumn(1).width = 24;
  help.getColumn(2).width = 100;
  help.addRow([t.title]).font = { bold: true, size: 14 };
  help.addRow([]);
  for (const line of t.lines) help.addRow(['•', line]);
  help.addRow([]);
  help.addRow([t.column, t.about]).font = { bold: true };
  for (const c of columns) help.addRow([c.name, c.note]);
  await mkdir(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await workbook.xlsx.writeFile(tmp);
    await rename(tmp, out);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return columns.map((c) => c.name);
}
