// `npm run verify-audit -- <file>...`: checks a Flow Release audit document (schema + hash chain) or a journal .jsonl
// (hash chain). Exit 0 when every file is valid, 1 when one is invalid, 2 when one is unreadable or not JSON.
import { verifyFile } from '../src/evidence/verify-file.ts';

const files = process.argv.slice(2).filter((a) => a !== '--');
if (files.length === 0) {
  console.error('usage: npm run verify-audit -- <audit.json | journal.jsonl> [...more files]');
  process.exit(2);
}
let exitCode = 0;
for (const file of files) {
  const report = verifyFile(file);
  const out = report.exitCode === 0 ? console.log : console.error;
  const prefix = files.length > 1 ? `${file}: ` : '';
  for (const line of report.lines) out(prefix + line);
  exitCode = Math.max(exitCode, report.exitCode);
}
process.exit(exitCode);
