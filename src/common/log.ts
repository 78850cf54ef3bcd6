// Logging goes through this interface so that logic never imports @actions/core and tests can capture every line.

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(
    message: string,
    annotation?: { file?: string; startLine?: number; startColumn?: number; title?: string }
  ): void;
  error(
    message: string,
    annotation?: { file?: string; startLine?: number; startColumn?: number; title?: string }
  ): void;
  startGroup(name: string): void;
  endGroup(): void;
  /** Tell the runner to mask a value in all later output (core.setSecret). */
  setSecret(value: string): void;
}

/** A logger that records every line, for tests. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  readonly secrets: string[] = [];
  debug(m: string): void {
    this.lines.push(`debug: ${m}`);
  }
  info(m: string): void {
    this.lines.push(m);
  }
  warning(m: string): void {
    this.lines.push(`warning: ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error: ${m}`);
  }
  startGroup(n: string): void {
    this.lines.push(`group: ${n}`);
  }
  endGroup(): void {
    this.lines.push('endgroup');
  }
  setSecret(v: string): void {
    this.secrets.push(v);
  }
  text(): string {
    return this.lines.join('\n');
  }
}
