// `npm run emulator -- --port 8787 --scenario emulator/scenarios/demo.yml`: runs the emulator until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { ScenarioError } from './scenario.ts';
import { startEmulator } from './server.ts';

const USAGE = `Usage: npm run emulator -- [--port <n>] [--host <address>] [--scenario <file.yml|file.json>]
  --port      TCP port to listen on (default 8787; 0 picks a free port)
  --host      address to bind (default 127.0.0.1)
  --scenario  scenario file that seeds the org and injects faults (see emulator/README.md)
  --export-rendering architect|uploaded
              what export jobs return (default: the scenario's exportRendering, itself 'architect')`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { port?: string; host?: string; scenario?: string; 'export-rendering'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        scenario: { type: 'string' },
        'export-rendering': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true,
      allowPositionals: false
    }));
  } catch (err) {
    fail(`emulator: ${(err as Error).message}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`emulator: --port must be an integer from 0 to 65535, got '${values.port ?? ''}'`);
  }
  const rendering = values['export-rendering'];
  if (rendering !== undefined && rendering !== 'architect' && rendering !== 'uploaded') {
    fail(`emulator: --export-rendering must be 'architect' or 'uploaded', got '${rendering}'`);
  }
  let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Received ${signal}, stopping the emulator.\n`);
    void (emulator ? emulator.close() : Promise.resolve()).then(() => process.exit(0));
  };
  // Registered before the server starts so that a signal during start-up still stops cleanly.
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    emulator = await startEmulator({
      port,
      ...(values.host ? { host: values.host } : {}),
      ...(values.scenario ? { scenario: values.scenario } : {}),
      ...(rendering ? { exportRendering: rendering } : {})
    });
  } catch (err) {
    if (err instanceof ScenarioError) fail(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`emulator: port ${port} is already in use; choose another with --port`);
    if (code === 'EACCES') fail(`emulator: not allowed to listen on port ${port}; choose a port above 1024`);
    throw err;
  }
  const flows = emulator.state().flows.length;
  process.stdout.write(
    [
      `Genesys Cloud emulator listening on ${emulator.baseUrl}`,
      `  api-url / login-url: ${emulator.baseUrl}`,
      `  client-id:     ${emulator.clientId}`,
      `  client-secret: ${emulator.clientSecret}`,
      `  scenario:      ${values.scenario ?? '(empty org)'} (${flows} flows)`,
      `  admin:         ${emulator.baseUrl}/__emulator/state, ${emulator.baseUrl}/__emulator/requests`,
      'Press Ctrl+C to stop.',
      ''
    ].join('\n')
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
