import { randomBytes } from 'node:crypto';

// Random marker values written into every field and action, so that a crawl can tell where each
// value it finds came from. Lowercase letters and digits only: they survive email normalisation,
// HTML, XML and JSON escaping unchanged, and never occur by chance.

export type Format = 'json' | 'as2' | 'atom' | 'rss' | 'html';
export const ALL_FORMATS: readonly Format[] = ['json', 'as2', 'atom', 'rss', 'html'];

export interface SecretMarker {
  value: string;
  label: string;
  /** Users ("User 3") the value is about: they may see it in their own views, nobody else ever. */
  owners: Set<string>;
}

export interface PublicMarker {
  value: string;
  label: string;
  /** Formats an anonymous crawl must find it in (so the crawl cannot pass by seeing nothing). */
  expectedIn: readonly Format[];
}

/** Matches any marker; the second letter says which kind. */
export const MARKER = /z[sp][0-9a-f]{12}/g;

export class Markers {
  readonly secrets = new Map<string, SecretMarker>();
  readonly publics = new Map<string, PublicMarker>();

  /** A value only `owners` (and staff) may ever see. */
  secret(label: string, owners: string[] = []): string {
    const value = `zs${randomBytes(6).toString('hex')}`;
    this.secrets.set(value, { value, label, owners: new Set(owners) });
    return value;
  }

  /** A value everyone may see, expected in these formats. */
  public(label: string, expectedIn: readonly Format[] = ['json']): string {
    const value = `zp${randomBytes(6).toString('hex')}`;
    this.publics.set(value, { value, label, expectedIn });
    return value;
  }

  /** Lets more users see a secret in their own views (once their ids are known). */
  grant(value: string, ...owners: string[]): void {
    const marker = this.secrets.get(value);
    if (!marker) throw new Error(`no secret marker ${value}`);
    for (const owner of owners) marker.owners.add(owner);
  }
}
