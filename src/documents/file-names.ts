import { ALLOWED_TYPES, type DocumentContentType } from './content-inspection.js';

const MAX_NAME = 120;
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069"*:<>?|]/g;

/**
 * A client's file name made safe to show and to offer back in Content-Disposition: the last
 * path segment only, no control or bidirectional-override characters, no characters Windows
 * refuses, at most 120 characters, and the extension of the type decided from the content.
 * It is a label (encrypted at rest: names often carry a person's name), never a path.
 */
export function cleanFileName(clientName: string, type: DocumentContentType): string {
  const extension = ALLOWED_TYPES[type].extension;
  const lastSegment = clientName.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let base = lastSegment
    .replace(UNSAFE, '')
    .replace(/\s+/g, ' ')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (!base) base = 'document';
  const room = MAX_NAME - extension.length - 1;
  if (base.length > room)
    base = Array.from(base)
      .slice(0, room)
      .join('')
      .replace(/[\uD800-\uDBFF]$/, '');
  return `${base}.${extension}`;
}

/** Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266 / 8187). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
