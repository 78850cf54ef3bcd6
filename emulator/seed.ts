// The org's flows as the scenario describes them: published history (given YAML or a generated minimal document),
// an optional checked-in draft, traffic, lock and execution settings. Every file is checked like an upload would be.
import { randomUUID } from 'node:crypto';
import { parseArchy } from './archy.ts';
import { API_TYPES, keyForType } from './flow-types.ts';
import type { ParsedArchy } from './archy.ts';
import { sha256 } from './model.ts';
import type { FlowRecord, Named } from './model.ts';
import type { FlowSeed } from './scenario.ts';
import { ScenarioError } from './scenario.ts';

const DAY = 86_400_000;

/** Parses a seeded version and makes sure it defines the flow its scenario entry names. */
function checkSeedYaml(seed: FlowSeed, yaml: string, where: string): ParsedArchy {
  const parsed = parseArchy(yaml);
  if (!parsed.ok) throw new ScenarioError(`Invalid emulator scenario: ${where}: ${parsed.errors.join(' ')}`);
  if (parsed.flow.type !== seed.type || parsed.flow.name !== seed.name) {
    throw new ScenarioError(
      `Invalid emulator scenario: ${where}: the YAML defines ${parsed.flow.key} '${parsed.flow.name}' ` +
        `but the entry is ${seed.type} '${seed.name}'`
    );
  }
  return parsed.flow;
}

function seedPublishedVersions(
  flow: FlowRecord,
  seed: FlowSeed,
  where: string,
  key: string,
  now: number,
  admin: Named
) {
  const sources = Array.isArray(seed.versions)
    ? seed.versions
    : Array.from({ length: seed.versions }, () => ({ yaml: undefined, publishedAt: undefined }));
  sources.forEach((source, i) => {
    const yaml = source.yaml ?? defaultYaml(key, seed.name, i + 1);
    const parsed = checkSeedYaml(seed, yaml, `${where}.versions.${i}`);
    const publishedAt = source.publishedAt ? Date.parse(source.publishedAt) : now - (sources.length - i) * DAY;
    const previous = flow.versions.at(-1);
    if (previous) previous.datePublishedEnd = publishedAt;
    flow.versions.push({
      id: `${i + 1}.0`,
      number: i + 1,
      type: 'PUBLISH',
      yaml,
      sha256: sha256(yaml),
      dateCreated: publishedAt,
      datePublished: publishedAt,
      createdBy: admin,
      publishedBy: admin,
      ...(seed.traffic ? { traffic: seed.traffic } : {}),
      variables: parsed.variables
    });
    flow.publishedVersionId = `${i + 1}.0`;
  });
  return sources.length;
}

function seedFlow(seed: FlowSeed, index: number, division: Named, now: number, admin: Named): FlowRecord {
  const key = keyForType(seed.type);
  if (!key) {
    throw new ScenarioError(
      `Invalid emulator scenario: flows.${index}.type: unknown flow type '${seed.type}'. ` +
        `Valid types: ${API_TYPES.join(', ')}`
    );
  }
  const flow: FlowRecord = {
    id: seed.id ?? randomUUID(),
    name: seed.name,
    type: seed.type,
    ...(seed.description !== undefined ? { description: seed.description } : {}),
    division,
    deleted: false,
    versions: [],
    ...(seed.traffic ? { traffic: seed.traffic } : {}),
    executionOutput: seed.execution?.output ?? {},
    publishes: [],
    ...(seed.lockedBy ? { lockedUser: { id: randomUUID(), name: seed.lockedBy } } : {})
  };
  const published = seedPublishedVersions(flow, seed, `flows.${index}`, key, now, admin);
  if (seed.draft) {
    const number = published + 1;
    const yaml = seed.draft.yaml ?? defaultYaml(key, seed.name, number);
    const parsed = checkSeedYaml(seed, yaml, `flows.${index}.draft`);
    flow.versions.push({
      id: `${number}.0`,
      number,
      type: 'CHECKIN',
      yaml,
      sha256: sha256(yaml),
      dateCreated: now - DAY / 24,
      createdBy: admin,
      variables: parsed.variables
    });
    flow.checkedInVersionId = `${number}.0`;
  }
  return flow;
}

/** The scenario's flows, in the first division; versions default to one day apart, the last a day before `now`. */
export function seedFlows(seeds: FlowSeed[], division: Named, now: number): FlowRecord[] {
  const admin: Named = { id: randomUUID(), name: 'Architect Admin' };
  return seeds.map((seed, index) => seedFlow(seed, index, division, now, admin));
}

function defaultYaml(key: string, name: string, version: number): string {
  const lines = [`${key}:`, `  name: ${JSON.stringify(name)}`, `  description: ${JSON.stringify(`v${version}`)}`];
  lines.push('  division: Home');
  if (key === 'inboundCall' || key === 'outboundCall') {
    lines.push(`  startUpRef: "/${key}/tasks/task[Main_10]"`, '  defaultLanguage: en-us');
  }
  if (key === 'workflow') {
    lines.push(
      '  startUpRef: "/workflow/states/state[Initial State_10]"',
      '  defaultLanguage: en-us',
      '  variables:',
      '    - stringVariable:',
      '        name: Flow.customerId',
      '        isInput: true',
      '        isOutput: true',
      '    - booleanVariable:',
      '        name: Flow.ok',
      '        initialValue:',
      '          lit: true',
      '        isOutput: true'
    );
  }
  return `${lines.join('\n')}\n`;
}
