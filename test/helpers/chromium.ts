import { execFile } from 'node:child_process';
import { accessSync, chmodSync, constants, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createBrotliDecompress } from 'node:zlib';
import { extract } from 'tar';

/** How to start the browser for the tests: which binary, and what it needs around it. */
export interface ChromiumLaunch {
  executablePath: string;
  /** 'system' (CHROMIUM_PATH or /usr/bin/chromium) or 'packaged' (@sparticuz/chromium, unpacked). */
  source: 'system' | 'packaged';
  args: string[];
  /** Extra environment for the browser process (the packaged one's libraries and fonts). */
  env: Record<string, string>;
}

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

// Network flags keep it from calling home on a closed network.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// The packaged build is a headless shell made for serverless hosts; it starts without a zygote.
// (Its own `args` also switch off web security; tests must see what users' browsers do, so not those.)
const PACKAGED_FLAGS = ['--no-zygote', '--headless=shell'];

let chosen: Promise<ChromiumLaunch> | undefined;

/**
 * The browser the tests use: `CHROMIUM_PATH` if that file exists, then Debian's /usr/bin/chromium,
 * else the Chromium that the `@sparticuz/chromium` dev dependency ships inside its npm package
 * (unpacked once into node_modules/.cache, nothing downloaded). Chosen once per process.
 */
export function chromiumLaunch(): Promise<ChromiumLaunch> {
  chosen ??= choose();
  return chosen;
}

async function choose(): Promise<ChromiumLaunch> {
  for (const path of [process.env.CHROMIUM_PATH, SYSTEM_CHROMIUM]) {
    if (path && isExecutableFile(path)) return { executablePath: path, source: 'system', args: FLAGS, env: {} };
  }
  const dir = await unpackedChromium();
  return {
    executablePath: join(dir, 'chromium'),
    source: 'packaged',
    args: [...FLAGS, ...PACKAGED_FLAGS],
    env: {
      // NSS, NSPR and expat come in the package's Amazon Linux pack: a machine with only Node has none.
      LD_LIBRARY_PATH: [join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_FILE: join(dir, 'fonts.conf'),
    },
  };
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The package's bin/ folder and version (its files are brotli-compressed: chromium.br, *.tar.br). */
function packaged(): { bin: string; version: string } {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('@sparticuz/chromium'); // <root>/build/cjs/index.cjs
  } catch {
    throw new Error('No browser for the tests: no CHROMIUM_PATH, no /usr/bin/chromium, and @sparticuz/chromium is not installed (run `npm ci`).');
  }
  const root = join(dirname(entry), '..', '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { bin: join(root, 'bin'), version };
}

/**
 * Unpacks the packaged Chromium, its libraries and fonts into node_modules/.cache/chromium-<version>/
 * once. It is written to a scratch folder and renamed into place, so a concurrent run never sees a
 * half-written binary. (The package's own executablePath() unpacks into a shared /tmp/chromium
 * whatever the version, and adds the libraries only on AWS hosts.)
 */
async function unpackedChromium(): Promise<string> {
  const { bin, version } = packaged();
  const cache = join(process.cwd(), 'node_modules', '.cache');
  const dir = join(cache, `chromium-${version}`);
  if (existsSync(join(dir, 'chromium'))) return dir;
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, `chromium-${version}-`));
  try {
    await pipeline(createReadStream(join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(scratch, 'chromium'), { mode: 0o755 }));
    await extract({ file: join(bin, 'al2023.tar.br'), cwd: scratch, brotli: true }); // lib/
    await extract({ file: join(bin, 'fonts.tar.br'), cwd: scratch, brotli: true }); // fonts/ (Open Sans)
    // The package's fonts.conf names /tmp/fonts; ours names where they are, then the system's fonts.
    writeFileSync(
      join(scratch, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    chmodSync(scratch, 0o755); // mkdtemp made it private
    renameSync(scratch, dir);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    if (existsSync(join(dir, 'chromium'))) return dir; // another run got there first
    throw error;
  }
  return dir;
}

/**
 * Why the packaged browser cannot start, if the cause is a shared library the machine lacks: the
 * libraries `ldd` cannot find, with LD_LIBRARY_PATH as the browser gets it. Empty if none (or no ldd).
 */
export async function missingLibraries(launch: ChromiumLaunch): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)('ldd', [launch.executablePath], { env: { ...process.env, ...launch.env } });
    return stdout
      .split('\n')
      .filter((line) => line.includes('not found'))
      .map((line) => line.trim().split(/\s+/)[0]);
  } catch {
    return [];
  }
}
