/** English text of validation problems, as the CLI prints them and the fixtures' expected.json words them. */
const labels: Record<string, string> = {
  username: 'username',
  email: 'email',
  firstName: 'first name',
  lastName: 'last name',
  maternalSurname: 'maternal surname',
  displayName: 'display name',
  officialCode: 'official code',
  phone: 'phone',
  language: 'language',
  password: 'password',
  expiresAt: 'expiry date',
  roles: 'roles',
};

export const fieldLabel = (field: string): string =>
  field.startsWith('customFields.') ? `custom field ${field.slice('customFields.'.length)}` : (labels[field] ?? field);

export function problemText(field: string, code: string, params: Record<string, string | number> = {}): string {
  const label = fieldLabel(field);
  const value = params.value ?? '';
  switch (code) {
    case 'required':
      return `missing ${label}`;
    case 'email':
      return `malformed email: ${value}`;
    case 'passwordTooShort':
      return `password shorter than ${params.min} characters (${params.length})`;
    case 'passwordMixedCase':
      return 'password needs upper- and lower-case letters';
    case 'passwordDigit':
      return 'password needs a digit';
    case 'passwordSymbol':
      return 'password needs a symbol';
    case 'tooLong':
      return `${label} longer than ${params.max} characters`;
    case 'nameTooShort':
      return `${label} shorter than ${params.min} characters`;
    case 'digitsInName':
      return `${label} contains digits`;
    case 'usernameFormat':
      return `invalid username (spaces or symbols): ${value}`;
    case 'usernameFirstDotLast':
      return `username is not first.last: ${value}`;
    case 'language':
      return `not a language code: ${value}`;
    case 'date':
      return `${label} is not a date (YYYY-MM-DD): ${value}`;
    case 'boolean':
      return `${label} is not yes/no${value === '' ? '' : `: ${value}`}`;
    case 'number':
      return `${label} is not a number: ${value}`;
    case 'notAnOption':
      return `${label} has no option ${value}`;
    case 'pattern':
      return `${label} does not match its pattern: ${value}`;
    case 'phone':
      return `malformed phone number: ${value}`;
    case 'unknownRole':
      return `unknown role: ${value}`;
    case 'unknownField':
      return `the directory has no ${label}`;
    case 'duplicate':
      return `duplicate of row ${value}`;
    default:
      return `${label}: ${code}`;
  }
}
