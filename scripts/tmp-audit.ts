// Temp directory audit (issue 9): after the project's commands have run, lists what they left in the temp directory
// and fails when any of it is the project's. .ci/run gives the whole run a fresh TMPDIR and audits it at the end; by
// hand, record the entries first and compare after:
//
//   node scripts/tmp-audit.ts --save /tmp/before.txt        # record the temp directory's entries
//   npm test && npm run faults
//   node scripts/tmp-audit.ts --before /tmp/before.txt      # the new entries; exit 1 if the project left any
//   node scripts/tmp-audit.ts DIR                           # audit DIR (default: os.tmpdir()), every entry is new
//
// Entries that are not the project's — caches that third-party tools keep in the temp directory on purpose and reuse
// across runs — are listed as such and do not fail the audit (FOREIGN below). Everything else counts as a leftover.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Entries made by tools outside the project, on purpose, and reused across runs. */
export const FOREIGN: { pattern: RegExp; what: string }[] = [
  {
    pattern: /^node-compile-cache$/,
    what: "Node's module compile cache that TypeScript, ESLint and Prettier enable; NODE_COMPILE_CACHE moves it"
  }
];

export interface Audit {
  dir: string;
  leftovers: string[];
  foreign: { name: string; what: string }[];
}

export function audit(dir: string, before: ReadonlySet<string> = new Set()): Audit {
  const result: Audit = { dir, leftovers: [], foreign: [] };
  for (const name of readdirSync(dir).sort()) {
    if (before.has(name)) continue;
    const known = FOREIGN.find((f) => f.pattern.test(name));
    if (known) result.foreign.push({ name, what: known.what });
    else result.leftovers.push(name);
  }
  return result;
}

function sizeOf(path: string): number {
  try {
    const st = statSync(path);
    if (!st.isDirectory()) return st.size;
    return readdirSync(path, { withFileTypes: true, recursive: true })
      .filter((d) => d.isFile())
      .reduce((n, d) => n + statSync(join(d.parentPath, d.name)).size, 0);
  } catch {
    return 0;
  }
}

function main(argv: string[]): number {
  const opt = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const save = opt('--save');
  const beforeFile = opt('--before');
  const dir =
    argv.find((a, i) => !a.startsWith('--') && !['--save', '--before'].includes(argv[i - 1] ?? '')) ?? tmpdir();
  if (save) {
    writeFileSync(save, `${readdirSync(dir).sort().join('\n')}\n`);
    console.log(`tmp-audit: recorded ${readdirSync(dir).length} entries of ${dir} in ${save}`);
    return 0;
  }
  const before = new Set(beforeFile ? readFileSync(beforeFile, 'utf8').split('\n').filter(Boolean) : []);
  const a = audit(dir, before);
  for (const f of a.foreign) console.log(`tmp-audit: not the project's: ${f.name} (${f.what})`);
  if (a.leftovers.length === 0) {
    console.log(`tmp-audit: the project left nothing in ${dir}`);
    return 0;
  }
  const bytes = a.leftovers.reduce((n, e) => n + sizeOf(join(dir, e)), 0);
  console.error(
    `tmp-audit: the project left ${a.leftovers.length} entr${a.leftovers.length === 1 ? 'y' : 'ies'} ` +
      `(${(bytes / 1e6).toFixed(1)} MB) in ${dir}:`
  );
  for (const e of a.leftovers.slice(0, 50)) console.error(`  ${e}`);
  if (a.leftovers.length > 50) console.error(`  … and ${a.leftovers.length - 50} more`);
  return 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  process.exitCode = main(process.argv.slice(2));
}
