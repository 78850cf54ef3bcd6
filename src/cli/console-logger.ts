// The Logger of the command line: plain lines on the terminal, every one redacted (the client secret, tokens and
// their Basic forms are registered with the redactor before anything runs), annotations as file:line: prefixes.
import type { Logger } from '../common/log.ts';
import { redactor } from '../common/redact.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

type Annotation = Parameters<Logger['error']>[1];

function where(a: Annotation): string {
  if (!a?.file) return '';
  return `${a.file}${a.startLine ? `:${a.startLine}` : ''}${a.startColumn ? `:${a.startColumn}` : ''}: `;
}

export class ConsoleLogger implements Logger {
  private readonly io: CliIo;
  private readonly verbose: boolean;

  constructor(io: CliIo, verbose = false) {
    this.io = io;
    this.verbose = verbose;
  }

  debug(message: string): void {
    if (this.verbose) this.io.out(`  debug: ${redactor.redact(message)}\n`);
  }
  info(message: string): void {
    this.io.out(`${redactor.redact(message)}\n`);
  }
  warning(message: string, annotation?: Annotation): void {
    this.io.err(`warning: ${where(annotation)}${redactor.redact(message)}\n`);
  }
  error(message: string, annotation?: Annotation): void {
    this.io.err(`error: ${where(annotation)}${redactor.redact(message)}\n`);
  }
  startGroup(name: string): void {
    this.io.out(`▸ ${redactor.redact(name)}\n`);
  }
  endGroup(): void {}
  setSecret(value: string): void {
    redactor.add(value);
  }
}
