// adminjs ships no types for its "adminjs/bundler" entry; only what admin/bundle.ts uses.
declare module 'adminjs/bundler' {
  import type AdminJS from 'adminjs';

  export const ADMIN_JS_TMP_DIR: string;
  export function generateUserComponentEntry(admin: AdminJS, tmpDir: string): string;
  export const componentsBundler: {
    createEntry(options: { content: string }): Promise<void>;
    build(): Promise<void>;
  };
}
