import type { fileKinds } from '../../../common/contract';

export type FileKind = (typeof fileKinds)[number];

export interface FileFilter {
  name: string;
  extensions: string[];
}

/**
 * Native file dialogs, injected: Electron's dialog module in the app, a queue the tests fill in the
 * browser bridge. Returns an absolute path, or null when the user cancels.
 */
export interface DialogPort {
  openFile(options: { kind: FileKind; title?: string; filters: FileFilter[] }): Promise<string | null>;
  saveFile(options: { title?: string; defaultName: string; filters: FileFilter[] }): Promise<string | null>;
}

export const filtersByKind: Record<FileKind, FileFilter[]> = {
  import: [
    { name: 'User files', extensions: ['csv', 'tsv', 'txt', 'xlsx', 'xml', 'json', 'ldif'] },
    { name: 'All files', extensions: ['*'] },
  ],
  caCertificate: [{ name: 'Certificates', extensions: ['pem', 'crt', 'cer'] }],
  avatar: [{ name: 'Images', extensions: ['png', 'jpg', 'jpeg', 'webp'] }],
  workspace: [{ name: 'User files', extensions: ['csv', 'xlsx', 'xml', 'json'] }],
};
