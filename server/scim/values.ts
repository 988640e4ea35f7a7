/** Small helpers for reading SCIM JSON: case-insensitive keys, Entra's string booleans, clear errors. */
import { ApiError } from '../errors';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value of `name` in `obj`, attribute names being case-insensitive (RFC 7643 §2.1). */
export function getCi(obj: Json | undefined, name: string): unknown {
  if (!obj) return undefined;
  if (Object.hasOwn(obj, name)) return obj[name];
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

export function keyCi(obj: Json, name: string): string | undefined {
  return Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
}

export const invalidValue = (message: string) => new ApiError(400, 'invalidValue', message, { scimType: 'invalidValue' });
export const invalidSyntax = (message: string) => new ApiError(400, 'invalidSyntax', message, { scimType: 'invalidSyntax' });

export function asString(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw invalidValue(`the attribute "${name}" must be a string`);
}

/** Booleans, also as "True"/"False" strings (Microsoft Entra sends those). */
export function asBoolean(value: unknown, name: string): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw invalidValue(`the attribute "${name}" must be true or false`);
}

/** JSON with keys sorted, so that equal values compare equal as text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}
