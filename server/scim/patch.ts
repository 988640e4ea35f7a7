/**
 * SCIM PATCH (RFC 7644 §3.5.2) on one resource's JSON: add, replace and remove, with or without a
 * path, value-filter paths (`emails[type eq "work"].value`), sub-attributes and extension paths.
 * Op names are case-insensitive and a replace without a path takes a value object, as Microsoft
 * Entra and Okta send them. All operations apply to a copy: any failure leaves the resource as it was.
 */
import { ApiError } from '../errors';
import { matches } from './filter/evaluate';
import { parseAttrPath, parsePatchPath, type AttrPath, type Filter, type ParseLimits } from './filter/parse';
import { findAttr, type Attr, type ResourceSchemas } from './schemas';
import { isObject, keyCi, type Json } from './values';

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

const noTarget = (message: string) => new ApiError(400, 'noTarget', message, { scimType: 'noTarget' });
const invalidPath = (message: string) => new ApiError(400, 'invalidPath', message, { scimType: 'invalidPath' });
const invalidValue = (message: string) => new ApiError(400, 'invalidValue', message, { scimType: 'invalidValue' });
const mutability = (message: string) => new ApiError(400, 'mutability', message, { scimType: 'mutability' });

type Op = 'add' | 'replace' | 'remove';

function definition(resource: ResourceSchemas, path: AttrPath): { attr: Attr; urn: string | null } {
  if (path.urn && path.urn.toLowerCase() !== resource.core.toLowerCase()) {
    const ext = resource.extensions.find((e) => e.urn.toLowerCase() === path.urn!.toLowerCase());
    const attr = ext && findAttr(ext.attributes, path.name);
    if (!ext || !attr) throw invalidPath(`no attribute "${path.name}" in ${path.urn}`);
    return { attr, urn: ext.urn };
  }
  const attr = findAttr(resource.attributes, path.name);
  if (!attr) throw invalidPath(`no attribute "${path.name}"`);
  return { attr, urn: null };
}

function container(doc: Json, urn: string | null, create: boolean): Json | undefined {
  if (!urn) return doc;
  const key = keyCi(doc, urn) ?? urn;
  if (!isObject(doc[key])) {
    if (!create) return undefined;
    doc[key] = {};
  }
  return doc[key] as Json;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether a value filter is `attr eq "x"` (so that add/replace can create the missing value). */
function simpleEquality(filter: Filter): { name: string; value: unknown } | null {
  return filter.kind === 'compare' && filter.op === 'eq' && !filter.path.sub
    ? { name: filter.path.name, value: filter.value }
    : null;
}

function checkWritable(attr: Attr, sub: string | null): void {
  if (attr.mutability === 'readOnly') throw mutability(`"${attr.name}" is read-only`);
  if (sub) {
    const subAttr = findAttr(attr.subAttributes, sub);
    if (!subAttr && attr.type === 'complex') throw invalidPath(`no sub-attribute "${attr.name}.${sub}"`);
    if (subAttr?.mutability === 'readOnly') throw mutability(`"${attr.name}.${sub}" is read-only`);
  }
}

function applyAt(
  doc: Json,
  resource: ResourceSchemas,
  op: Op,
  path: AttrPath,
  filter: Filter | null,
  sub: string | null,
  value: unknown,
): void {
  const { attr, urn } = definition(resource, path);
  const subName = sub ?? path.sub;
  checkWritable(attr, subName);
  const holder = container(doc, urn, op !== 'remove');
  if (!holder) return;
  const key = keyCi(holder, attr.name) ?? attr.name;
  const subKey = (obj: Json) =>
    subName ? (keyCi(obj, subName) ?? findAttr(attr.subAttributes, subName)?.name ?? subName) : undefined;

  if (filter) {
    if (!attr.multiValued) throw invalidPath(`"${attr.name}" is not multi-valued: it takes no value filter`);
    const list = Array.isArray(holder[key]) ? [...(holder[key] as unknown[])] : [];
    const hits = list.map((e, i) => (matches(e, filter, attr.subAttributes) ? i : -1)).filter((i) => i >= 0);
    if (op === 'remove') {
      if (subName) for (const i of hits) if (isObject(list[i])) delete (list[i] as Json)[subKey(list[i] as Json)!];
      const kept = subName ? list : list.filter((_, i) => !hits.includes(i));
      holder[key] = kept;
      return;
    }
    if (hits.length === 0) {
      const eq = simpleEquality(filter);
      if (!eq) throw noTarget(`no value of "${attr.name}" matches the filter`);
      const created: Json = { [eq.name]: eq.value };
      if (subName) created[findAttr(attr.subAttributes, subName)?.name ?? subName] = value;
      else if (isObject(value)) Object.assign(created, value);
      else throw invalidValue(`a value of "${attr.name}" must be an object`);
      holder[key] = [...list, created];
      return;
    }
    for (const i of hits) {
      if (subName) {
        const element = isObject(list[i]) ? { ...(list[i] as Json) } : {};
        element[subKey(element)!] = value;
        list[i] = element;
      } else {
        if (!isObject(value)) throw invalidValue(`a value of "${attr.name}" must be an object`);
        list[i] = op === 'add' ? { ...(list[i] as Json), ...value } : value;
      }
    }
    holder[key] = list;
    return;
  }

  if (subName) {
    if (attr.type !== 'complex') throw invalidPath(`"${attr.name}" has no sub-attributes`);
    if (attr.multiValued) {
      // A sub-attribute of every value (`emails.type`).
      const list = Array.isArray(holder[key]) ? (holder[key] as Json[]) : [];
      holder[key] = list.map((e) => {
        const copy = { ...e };
        if (op === 'remove') delete copy[subKey(copy)!];
        else copy[subKey(copy)!] = value;
        return copy;
      });
      return;
    }
    const obj = isObject(holder[key]) ? { ...(holder[key] as Json) } : {};
    if (op === 'remove') delete obj[subKey(obj)!];
    else obj[subKey(obj)!] = value;
    holder[key] = obj;
    return;
  }

  if (op === 'remove') {
    if (attr.multiValued && value !== undefined) {
      // Entra: remove the listed values (`{"op":"Remove","path":"members","value":[{"value":"…"}]}`).
      const drop = Array.isArray(value) ? value : [value];
      const list = Array.isArray(holder[key]) ? (holder[key] as unknown[]) : [];
      holder[key] = list.filter(
        (e) => !drop.some((d) => (isObject(d) && isObject(e) ? same(String(d.value), String(e.value)) : same(d, e))),
      );
      return;
    }
    delete holder[key];
    return;
  }
  if (attr.multiValued) {
    const values = value === null ? [] : Array.isArray(value) ? value : [value];
    if (op === 'replace') holder[key] = values;
    else {
      const list = Array.isArray(holder[key]) ? [...(holder[key] as unknown[])] : [];
      for (const v of values) if (!list.some((e) => same(e, v))) list.push(v);
      holder[key] = list;
    }
    return;
  }
  if (attr.type === 'complex' && isObject(value) && isObject(holder[key])) {
    holder[key] = { ...(holder[key] as Json), ...value };
    return;
  }
  holder[key] = value;
}

/** Applies the operations to a copy of `doc` and returns it. */
export function applyPatch(doc: Json, operations: PatchOperation[], resource: ResourceSchemas, limits: ParseLimits): Json {
  const out = structuredClone(doc);
  for (const [index, operation] of operations.entries()) {
    if (!isObject(operation)) throw invalidValue(`operation ${index + 1} is not an object`);
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove')
      throw new ApiError(400, 'invalidSyntax', `operation ${index + 1}: "op" must be add, replace or remove`, {
        scimType: 'invalidSyntax',
      });
    const path = typeof operation.path === 'string' && operation.path.trim() !== '' ? operation.path.trim() : null;
    if (operation.path !== undefined && operation.path !== null && typeof operation.path !== 'string')
      throw invalidPath(`operation ${index + 1}: "path" must be a string`);
    if (!path) {
      if (op === 'remove') throw noTarget(`operation ${index + 1}: remove needs a path`);
      if (!isObject(operation.value))
        throw invalidValue(`operation ${index + 1}: without a path, the value must be an object of attributes`);
      for (const [key, value] of Object.entries(operation.value)) {
        // Some clients echo `schemas` or the unchanged `id` in the value: nothing to do for those.
        if (key.toLowerCase() === 'schemas' || (key.toLowerCase() === 'id' && value === out.id)) continue;
        const ext = resource.extensions.find((e) => e.urn.toLowerCase() === key.toLowerCase());
        if (ext) {
          if (!isObject(value)) throw invalidValue(`"${key}" must be an object`);
          for (const [k, v] of Object.entries(value))
            applyAt(out, resource, op, parseAttrPath(`${ext.urn}:${k}`, limits.urns, 'invalidPath'), null, null, v);
        } else applyAt(out, resource, op, parseAttrPath(key, limits.urns, 'invalidPath'), null, null, value);
      }
      continue;
    }
    const parsed = parsePatchPath(path, limits);
    if (op !== 'remove' && operation.value === undefined) throw invalidValue(`operation ${index + 1}: ${op} needs a value`);
    applyAt(out, resource, op, parsed.attr, parsed.filter, parsed.sub, operation.value);
  }
  return out;
}
