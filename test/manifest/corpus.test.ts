// Local validation matches real Archy: every flow of the corpus (61 real flows from Genesys' public repositories,
// ../shared/archy-corpus or $ARCHY_CORPUS, never copied here) passes the loader's checks with its placeholders filled
// from the manifest's substitutions. Plan-level validation without an org: one generated manifest per file, naming it
// with its type and a substitution for each of its placeholders. Skips when the corpus is absent.
import { afterAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { formatIssue, loadManifest } from '../../src/manifest/loader.ts';
import { CORPUS_DIR, corpusFiles, fillPlaceholders } from '../emulator/corpus.ts';
import { BUILTINS, makeWorkspace } from './helpers.ts';

/** The test's own reading of the API type a corpus file's key names (genesys-api.md: `botFlow` is type `bot`). */
const typeOf = (key: string): string => (key === 'botFlow' ? 'bot' : key.toLowerCase());

const files = corpusFiles();
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

/** A manifest for one corpus file: its flow's name and type, a value per placeholder (`ph-<key>`, as fillPlaceholders). */
function manifestFor(file: string, text: string): string {
  const doc = parse(fillPlaceholders(text)) as Record<string, { name: string }>;
  const [key, body] = Object.entries(doc)[0]!;
  const keys = [...new Set([...text.matchAll(/\{\{([A-Za-z0-9_.-]+)\}\}/g)].map((m) => m[1]!))];
  return [
    'version: 1',
    'flows:',
    `  - name: ${JSON.stringify(body.name)}`,
    `    type: ${typeOf(key)}`,
    `    file: ${JSON.stringify(`flows/${file}`)}`,
    ...(keys.length
      ? [`    substitutions: ${JSON.stringify(Object.fromEntries(keys.map((k) => [k, `ph-${k}`])))}`]
      : [])
  ].join('\n');
}

describe(`the Archy corpus passes local validation (${CORPUS_DIR})`, () => {
  if (files.length === 0) {
    it.skip('corpus absent: set ARCHY_CORPUS or keep ../shared/archy-corpus beside the project', () => undefined);
    return;
  }

  it('holds the 61 flows', () => expect(files).toHaveLength(61));

  it.each(files.map((f) => [f.file, f] as const))('%s', async (_name, f) => {
    const ws = makeWorkspace({
      [`repo/flows/${f.file}`]: f.text,
      'repo/genesys/release.yml': manifestFor(f.file, f.text)
    });
    cleanups.push(ws.cleanup);
    const r = await loadManifest({ workspace: ws.dir, manifestPath: 'genesys/release.yml', builtins: BUILTINS });
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    const flow = r.manifest.flows[0];
    expect(flow?.source === 'file' && flow.content).toBe(fillPlaceholders(f.text));
  });
});
