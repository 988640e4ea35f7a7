/**
 * Encoding detection and decoding (DESIGN.md §7): by BOM, then the declared XML encoding, then
 * UTF-8 validity, then byte statistics to tell Windows-1252 from ISO-8859-1.
 */
import iconv from 'iconv-lite';
import type { EncodingName } from '../../../common/files/types';
import { FileError } from './errors';

export interface DetectedEncoding {
  encoding: EncodingName;
  /** Bytes of BOM to skip before decoding. */
  bomLength: number;
}

export function bomOf(bytes: Uint8Array): DetectedEncoding | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8-bom', bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return null;
}

/** The `encoding="…"` of an XML declaration, read as ASCII. */
export function declaredXmlEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const match = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return match ? match[1]!.toLowerCase() : null;
}

function fromLabel(label: string): EncodingName | null {
  switch (label.replace(/_/g, '-')) {
    case 'utf-8':
    case 'utf8':
      return 'utf-8';
    case 'iso-8859-1':
    case 'iso8859-1':
    case 'latin1':
    case 'latin-1':
    case 'l1':
      return 'iso-8859-1';
    case 'windows-1252':
    case 'cp1252':
    case 'win1252':
      return 'windows-1252';
    case 'utf-16le':
      return 'utf-16le';
    case 'utf-16be':
    case 'utf-16':
      return 'utf-16be';
    default:
      return null;
  }
}

/**
 * Whether `bytes` is valid UTF-8, allowing a sequence cut off at the very end (the sample may stop
 * mid-character).
 */
export function isValidUtf8(bytes: Uint8Array, truncatedEndOk = true): boolean {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) return false;
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    if (i + need >= n) return truncatedEndOk && allContinuation(bytes, i + 1, n);
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

function allContinuation(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if ((bytes[i]! & 0xc0) !== 0x80) return false;
  return true;
}

/**
 * Detects the encoding of a text file from its first bytes. `xml` honours a declared encoding.
 * Windows-1252 and ISO-8859-1 agree on every byte but 80–9F: there, ISO-8859-1 has control
 * characters no person types, so those bytes mean Windows-1252; without them the two decode alike
 * and we say Windows-1252, what Excel on Windows writes. ISO-8859-1 is reported when declared.
 */
export function detectEncoding(sample: Uint8Array, { xml = false, sampleIsWholeFile = false } = {}): DetectedEncoding {
  const bom = bomOf(sample);
  if (bom) return bom;
  if (xml) {
    const declared = declaredXmlEncoding(sample);
    if (declared) {
      const name = fromLabel(declared);
      if (!name) throw new FileError('encoding', `the XML declares the encoding "${declared}", which is not supported`);
      if (name !== 'utf-8') return { encoding: name, bomLength: 0 };
    }
  }
  if (isValidUtf8(sample, !sampleIsWholeFile)) return { encoding: 'utf-8', bomLength: 0 };
  if (xml && declaredXmlEncoding(sample) === 'utf-8')
    throw new FileError('encoding', 'the XML declares UTF-8 but its bytes are not valid UTF-8');
  return { encoding: 'windows-1252', bomLength: 0 };
}

/** A streaming decoder: bytes in, text out, nothing lost at chunk edges. */
export interface TextDecoderLike {
  write(bytes: Uint8Array): string;
  end(): string;
}

export function createDecoder(encoding: EncodingName): TextDecoderLike {
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') {
    // fatal: a file that turns out not to be UTF-8 after the sample is refused, never garbled.
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let offset = 0;
    const fail = (): never => {
      throw new FileError(
        'encoding',
        `the file is not valid UTF-8 (near byte ${offset.toLocaleString('en-US')}); save it as UTF-8`,
      );
    };
    return {
      write(bytes) {
        try {
          const text = decoder.decode(bytes, { stream: true });
          offset += bytes.length;
          return text;
        } catch {
          return fail();
        }
      },
      end() {
        try {
          return decoder.decode();
        } catch {
          return fail();
        }
      },
    };
  }
  if (encoding === 'iso-8859-1') {
    // Node's latin1 is true ISO-8859-1 (the WHATWG "iso-8859-1" label means Windows-1252).
    return { write: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), end: () => '' };
  }
  const decoder = iconv.getDecoder(encoding === 'windows-1252' ? 'win1252' : encoding, { stripBOM: false });
  return {
    write: (bytes) => decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    end: () => decoder.end() ?? '',
  };
}

/** Encodes text for a writer; `utf-8-bom` adds the BOM once, at the start. */
export function encodeText(text: string, encoding: EncodingName): Buffer {
  switch (encoding) {
    case 'utf-8':
    case 'utf-8-bom':
      return Buffer.from(text, 'utf8');
    case 'iso-8859-1':
      return iconv.encode(text, 'latin1');
    case 'windows-1252':
      return iconv.encode(text, 'win1252');
    case 'utf-16le':
      return iconv.encode(text, 'utf16le');
    case 'utf-16be':
      return iconv.encode(text, 'utf16be');
  }
}

export function bomBytes(encoding: EncodingName): Buffer {
  if (encoding === 'utf-8-bom') return Buffer.from([0xef, 0xbb, 0xbf]);
  if (encoding === 'utf-16le') return Buffer.from([0xff, 0xfe]);
  if (encoding === 'utf-16be') return Buffer.from([0xfe, 0xff]);
  return Buffer.alloc(0);
}
