/**
 * Header synonyms for generic files, in English, Spanish and French. Headers are compared
 * normalised: lower case, accents and everything but letters and digits removed ("Prénom" →
 * "prenom", "E-mail" → "email").
 */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const synonyms: Record<string, string[]> = {
  username: [
    'username',
    'user',
    'userid',
    'login',
    'loginname',
    'uid',
    'account',
    'accountname',
    'samaccountname',
    'userprincipalname',
    'upn',
    'nombredeusuario',
    'usuario',
    'idusuario',
    'identificador',
    'nomdutilisateur',
    'utilisateur',
    'identifiant',
    'login',
  ],
  email: [
    'email',
    'mail',
    'emailaddress',
    'emailadress',
    'primaryemail',
    'workemail',
    'correo',
    'correoelectronico',
    'email1',
    'direcciondecorreo',
    'direcciondecorreoelectronico',
    'courriel',
    'adresseemail',
    'adressemail',
    'adresseelectronique',
    'adressecourriel',
    'mel',
  ],
  firstName: ['firstname', 'givenname', 'forename', 'first', 'nombre', 'nombres', 'primernombre', 'prenom', 'prenoms'],
  lastName: [
    'lastname',
    'surname',
    'familyname',
    'last',
    'apellido',
    'apellidos',
    'primerapellido',
    'apellidopaterno',
    'nom',
    'nomdefamille',
  ],
  maternalSurname: ['maternalsurname', 'mothersurname', 'secondsurname', 'segundoapellido', 'apellidomaterno'],
  displayName: ['displayname', 'fullname', 'name', 'nombrecompleto', 'nomcomplet', 'nomaffiche', 'nombreparamostrar'],
  officialCode: [
    'officialcode',
    'employeeid',
    'employeeno',
    'employeenumber',
    'staffid',
    'studentid',
    'idnumber',
    'personnelnumber',
    'code',
    'numerodeempleado',
    'legajo',
    'matricula',
    'codigo',
    'codigooficial',
    'matricule',
    'numerodemploye',
    'codeofficiel',
  ],
  phone: [
    'phone',
    'phonenumber',
    'telephone',
    'tel',
    'mobile',
    'mobilephone',
    'cellphone',
    'cell',
    'workphone',
    'telefono',
    'movil',
    'celular',
    'numerodetelefono',
    'portable',
    'numerodetelephone',
  ],
  language: ['language', 'lang', 'locale', 'preferredlanguage', 'idioma', 'lengua', 'langue'],
  password: ['password', 'pass', 'passwd', 'pwd', 'initialpassword', 'contrasena', 'clave', 'motdepasse', 'mdp'],
  roles: ['role', 'roles', 'rol', 'roles', 'profil', 'perfil'],
  groups: ['group', 'groups', 'grupo', 'grupos', 'groupe', 'groupes', 'courses', 'cursos', 'cours'],
  tags: ['tag', 'tags', 'label', 'labels', 'etiqueta', 'etiquetas', 'etiquette', 'etiquettes'],
  active: ['active', 'enabled', 'activo', 'activa', 'actif', 'active', 'habilitado'],
  expiresAt: [
    'expiresat',
    'expires',
    'expiration',
    'expirationdate',
    'expiry',
    'expirydate',
    'fechadeexpiracion',
    'vencimiento',
    'datedexpiration',
  ],
  external: ['external', 'externo', 'externe'],
  emailVerified: ['emailverified', 'verified', 'verificado', 'verifie'],
  license: ['license', 'licence', 'licencia'],
};

const byNormalized = new Map<string, string>();
for (const [field, names] of Object.entries(synonyms))
  for (const name of names) if (!byNormalized.has(name)) byNormalized.set(name, field);

/** The built-in field a generic header names, if any. */
export function fieldForHeader(header: string): string | null {
  return byNormalized.get(normalizeHeader(header)) ?? null;
}

export const isKnownHeader = (header: string): boolean => fieldForHeader(header) !== null;
