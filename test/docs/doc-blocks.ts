import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function readDoc(relativePath: string): string {
  return readFileSync(new URL(relativePath, new URL('../../', import.meta.url)), 'utf8');
}

/** The fenced code block right after the HTML comment that starts with `marker`. */
export function blockAfterMarker(markdown: string, marker: string): string {
  const at = markdown.indexOf(`<!-- ${marker}`);
  if (at < 0) throw new Error(`no <!-- ${marker} ... --> comment in the document`);
  const fence = /```[a-z]*\n([\s\S]*?)\n```/.exec(markdown.slice(at));
  if (fence === null) throw new Error(`no fenced block after <!-- ${marker} -->`);
  return fence[1]!;
}
