/**
 * An expected failure of a request, thrown by services and turned into RFC 9457 problem+json by the
 * admin API or an RFC 7644 error by SCIM. Never carries a stack or internal text to the client.
 */
export interface FieldError {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      errors?: FieldError[];
      permission?: string;
      scimType?: ScimType;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, errors?: FieldError[], scimType: ScimType = 'invalidValue') =>
  new ApiError(400, 'validation', message, { errors, scimType });
export const notFound = (what: string) => new ApiError(404, 'notFound', `${what} not found`);
export const conflict = (message: string, errors?: FieldError[]) =>
  new ApiError(409, 'conflict', message, { errors, scimType: 'uniqueness' });
export const forbidden = (permission: string) =>
  new ApiError(403, 'forbidden', `this needs the "${permission}" permission`, { permission });
export const preconditionFailed = () =>
  new ApiError(412, 'preconditionFailed', 'the resource changed since you read it (If-Match does not match)');
