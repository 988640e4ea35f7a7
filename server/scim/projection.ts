/** `attributes` / `excludedAttributes` (RFC 7644 §3.9): which attributes a response carries. */
import { parseAttrPath, type AttrPath } from './filter/parse';
import { isObject, keyCi, type Json } from './values';

const always = new Set(['id', 'schemas']);

export function parseAttributeList(text: string | undefined, urns: string[]): AttrPath[] {
  if (!text) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 100)
    .map((s) => parseAttrPath(s, urns, 'invalidFilter'));
}

function holderOf(resource: Json, path: AttrPath, core: string): { obj: Json | undefined; key: string | undefined } {
  const ext = path.urn && path.urn.toLowerCase() !== core.toLowerCase() ? keyCi(resource, path.urn) : undefined;
  const obj =
    path.urn && path.urn.toLowerCase() !== core.toLowerCase()
      ? ext && isObject(resource[ext])
        ? (resource[ext] as Json)
        : undefined
      : resource;
  return { obj, key: obj ? keyCi(obj, path.name) : undefined };
}

export function project(resource: Json, include: AttrPath[], exclude: AttrPath[], core: string): Json {
  if (include.length) {
    const out: Json = {};
    for (const k of Object.keys(resource)) if (always.has(k)) out[k] = resource[k];
    for (const path of include) {
      const { obj, key } = holderOf(resource, path, core);
      if (!obj || !key) continue;
      const target =
        path.urn && path.urn.toLowerCase() !== core.toLowerCase() ? ((out[keyCi(resource, path.urn)!] ??= {}) as Json) : out;
      const value = obj[key];
      if (!path.sub) target[key] = value;
      else if (Array.isArray(value)) {
        const prev = Array.isArray(target[key]) ? (target[key] as Json[]) : value.map(() => ({}));
        target[key] = value.map((e, i) => {
          const subKey = isObject(e) ? keyCi(e, path.sub!) : undefined;
          return subKey ? { ...prev[i], [subKey]: (e as Json)[subKey] } : prev[i];
        });
      } else if (isObject(value)) {
        const subKey = keyCi(value, path.sub);
        if (subKey) target[key] = { ...(isObject(target[key]) ? (target[key] as Json) : {}), [subKey]: value[subKey] };
      }
    }
    return out;
  }
  if (exclude.length) {
    const out = structuredClone(resource);
    for (const path of exclude) {
      const { obj, key } = holderOf(out, path, core);
      if (!obj || !key || (obj === out && always.has(key))) continue;
      if (!path.sub) delete obj[key];
      else if (Array.isArray(obj[key]))
        for (const e of obj[key] as Json[])
          if (isObject(e)) delete e[keyCi(e, path.sub) ?? path.sub];
          else if (isObject(obj[key])) delete (obj[key] as Json)[keyCi(obj[key] as Json, path.sub) ?? path.sub];
    }
    return out;
  }
  return resource;
}

/** Whether a response needs `path`'s attribute (to skip costly loads such as group members). */
export function wants(name: string, include: AttrPath[], exclude: AttrPath[]): boolean {
  const n = name.toLowerCase();
  if (include.length) return include.some((p) => p.name.toLowerCase() === n);
  return !exclude.some((p) => p.name.toLowerCase() === n && !p.sub);
}
