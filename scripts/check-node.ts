// `npm start` runs this first (prestart): on a Node older than package.json's `engines` it stops
// with a clear message instead of a confusing failure somewhere in a dependency.
import { readFileSync } from 'node:fs';
import semver from 'semver';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };

/** What is wrong with running on Node `version`, or null if package.json's engines allow it. */
export function nodeVersionProblem(version: string, range: string = engines.node): string | null {
  if (semver.satisfies(version, range)) return null;
  return `Actstream needs Node ${range} (package.json "engines"); this is Node ${version}. Install a newer Node (e.g. the current 20.x or 22.x) and run npm ci again.`;
}

const problem = nodeVersionProblem(process.version);
if (problem) {
  console.error(problem);
  process.exit(1);
}
