import { describe, expect, it } from '@jest/globals';
import { getInputs, InputError, parseFlowNames } from '../../src/action/inputs.ts';
import { Redactor } from '../../src/common/redact.ts';

const SECRET = 'sUp3r-s3cret-Value-42';
const TOKEN = 'ghs_abcdefghijklmnopqrstuvwxyz012345';

function getter(values: Record<string, string>): (name: string) => string {
  return (name) => values[name] ?? '';
}

const base = { 'client-id': 'client-1', 'client-secret': SECRET, region: 'mypurecloud.com', 'github-token': TOKEN };

function problemsOf(values: Record<string, string>): InputError {
  try {
    getInputs(getter(values), new Redactor());
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('parseFlowNames', () => {
  it('splits one line on commas', () => {
    expect(parseFlowNames(' Support IVR, Callback ,,Support IVR ')).toEqual(['Support IVR', 'Callback']);
  });

  it('takes one name per line when there is a line break, keeping commas in names', () => {
    expect(parseFlowNames('Support IVR\r\nBilling, Collections IVR\n\n  Callback  \n')).toEqual([
      'Support IVR',
      'Billing, Collections IVR',
      'Callback'
    ]);
  });

  it('selects a single name with a comma by ending it with a line break (a YAML block scalar does)', () => {
    expect(parseFlowNames('Billing, Collections IVR\n')).toEqual(['Billing, Collections IVR']);
  });
});

describe('getInputs', () => {
  it('applies the action.yml defaults when inputs are empty', () => {
    expect(getInputs(getter(base), new Redactor())).toEqual({
      command: 'deploy',
      manifest: 'genesys/release.yml',
      region: 'mypurecloud.com',
      clientId: 'client-1',
      clientSecret: SECRET,
      commitArtifacts: true,
      githubToken: TOKEN,
      auditArtifactName: 'flow-release-audit',
      stateBranch: 'flow-release-state',
      takeoverLock: false,
      onUnfinished: 'restore'
    });
  });

  it('reads every input', () => {
    const r = getInputs(
      getter({
        ...base,
        command: ' Plan ',
        manifest: 'ops/release.yml',
        region: '',
        'api-url': 'http://127.0.0.1:8787/',
        'login-url': 'https://login.example.com/base/',
        flows: 'Support IVR, Callback ,,Support IVR',
        'commit-artifacts': 'No',
        'audit-artifact-name': 'audit-1'
      }),
      new Redactor()
    );
    expect(r).toEqual({
      command: 'plan',
      manifest: 'ops/release.yml',
      clientId: 'client-1',
      clientSecret: SECRET,
      apiUrl: 'http://127.0.0.1:8787',
      loginUrl: 'https://login.example.com/base',
      flows: ['Support IVR', 'Callback'],
      commitArtifacts: false,
      githubToken: TOKEN,
      auditArtifactName: 'audit-1',
      stateBranch: 'flow-release-state',
      takeoverLock: false,
      onUnfinished: 'restore'
    });
  });

  it.each(['deploy', 'plan', 'rollback', 'doctor'])('accepts command %s', (command) => {
    expect(getInputs(getter({ ...base, command }), new Redactor()).command).toBe(command);
  });

  it.each([
    ['true', true],
    ['YES', true],
    ['False', false],
    ['no', false]
  ])('commit-artifacts %s → %s', (raw, value) => {
    expect(getInputs(getter({ ...base, 'commit-artifacts': raw }), new Redactor()).commitArtifacts).toBe(value);
  });

  it('reports every problem at once with how to fix it', () => {
    const e = problemsOf({
      command: 'delpoy',
      'client-secret': SECRET,
      'commit-artifacts': 'maybe',
      'audit-artifact-name': 'a/b',
      'api-url': 'https://api.example.com'
    });
    expect(e.problems).toEqual([
      "command must be one of deploy, plan, rollback, doctor (got 'delpoy')",
      'api-url and login-url go together (only api-url is set); set both, or neither and use region',
      expect.stringContaining('client-id is required'),
      "commit-artifacts must be true or false (also yes/no) (got 'maybe')",
      expect.stringContaining('audit-artifact-name must not contain /')
    ]);
    expect(e.message).toContain('Invalid action inputs (5)');
    expect(e.name).toBe('InputError');
  });

  it('requires region or both URLs, and the secret', () => {
    const e = problemsOf({ 'client-id': 'id' });
    expect(e.problems).toEqual([
      expect.stringContaining('region or api-url+login-url is required'),
      expect.stringContaining('client-secret is required')
    ]);
  });

  it.each([
    [{ region: 'https://mypurecloud.com' }, 'region is a domain, not a URL'],
    [{ region: 'my purecloud' }, 'region must be a Genesys Cloud domain'],
    [
      { 'api-url': 'http://api.example.com', 'login-url': 'https://login.example.com' },
      'plain http:// to a non-loopback host'
    ],
    [{ 'api-url': 'ftp://x', 'login-url': 'https://login.example.com' }, 'api-url must use https://'],
    [{ 'api-url': 'not a url', 'login-url': 'https://login.example.com' }, 'api-url must be an absolute URL'],
    [
      { 'api-url': 'https://u:p@api.example.com', 'login-url': 'https://login.example.com' },
      'must not contain credentials'
    ],
    [
      { 'api-url': 'https://api.example.com?x=1', 'login-url': 'https://login.example.com' },
      'must not have a query string'
    ],
    [{ 'audit-artifact-name': 'x'.repeat(101) }, 'at most 100 characters'],
    [{ 'audit-artifact-name': '..\\evil' }, 'must not contain'],
    [{ 'client-id': 'id with space' }, 'client-id must not contain whitespace'],
    [{ flows: 'a,b\u0007' }, 'flows must be flow names'],
    [{ manifest: '--upload-pack=touch x' }, "manifest must not have a path segment starting with '-'"],
    [{ manifest: 'ops/-rf/release.yml' }, "manifest must not have a path segment starting with '-'"],
    [{ manifest: '.git/config' }, 'manifest must not point into a .git directory'],
    [{ manifest: 'x/.GIT/config' }, 'manifest must not point into a .git directory']
  ])('rejects %j', (over, fragment) => {
    const e = problemsOf({ ...base, ...over });
    expect(e.message).toContain(fragment);
  });

  it('never puts the secret or the token in the message, even when pasted into another input', () => {
    const e = problemsOf({
      ...base,
      command: SECRET,
      region: TOKEN.toUpperCase(),
      'audit-artifact-name': `x/${SECRET}`,
      flows: ''
    });
    expect(e.message).not.toContain(SECRET);
    expect(e.message.toLowerCase()).not.toContain(TOKEN.toLowerCase());
    expect(e.message).toContain('command must be one of deploy, plan, rollback');
    expect(e.message).toContain('hidden: it matches a secret');
  });

  it('registers the secret and token with the redactor as soon as they are read', () => {
    const r = new Redactor();
    expect(() => getInputs(getter({ 'client-secret': SECRET, 'github-token': TOKEN }), r)).toThrow(InputError);
    expect(r.redact(`a ${SECRET} b ${TOKEN}`)).toBe('a *** b ***');
  });

  it('turns a throwing getter into a problem, not a crash', () => {
    expect(() =>
      getInputs((name) => {
        if (name === 'region') throw new Error('Input required and not supplied: region');
        return ({ ...base } as Record<string, string>)[name] ?? '';
      }, new Redactor())
    ).toThrow(/region could not be read/);
  });

  it('reads the ledger inputs: state-branch, takeover-lock, on-unfinished, rollback-to', () => {
    const r = getInputs(
      getter({
        ...base,
        command: 'rollback',
        'state-branch': 'release-state/prod',
        'takeover-lock': 'true',
        'on-unfinished': 'Stop',
        'rollback-to': 'rel-20260101T000000Z-abc123'
      }),
      new Redactor()
    );
    expect(r).toMatchObject({
      stateBranch: 'release-state/prod',
      takeoverLock: true,
      onUnfinished: 'stop',
      rollbackTo: 'rel-20260101T000000Z-abc123'
    });
  });

  it('refuses a bad state-branch, on-unfinished, takeover-lock or rollback-to with one clear message each', () => {
    const e = problemsOf({
      ...base,
      'state-branch': 'bad..branch',
      'takeover-lock': 'maybe',
      'on-unfinished': 'ignore',
      'rollback-to': '../x'
    });
    expect(e.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^state-branch must be a plain git branch name/),
        expect.stringMatching(/^takeover-lock must be true or false/),
        expect.stringMatching(/^on-unfinished must be restore or stop/),
        expect.stringMatching(/^rollback-to must be a release id/),
        expect.stringMatching(/^rollback-to is only read by command: rollback/)
      ])
    );
  });
});
