// Prints one plain closing line, `tests: N passed, N failed`, after jest's own summary, for any CI log reader.
export default class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    // Jest's summary reporter writes after this one; print on exit so this stays the last line.
    process.once('exit', () => process.stderr.write(line));
  }
}
