// Guards every npm script that runs TypeScript directly: they need Node 24, which the node-<platform> optional
// dependency puts first on the PATH of npm scripts. Plain JavaScript, so that any Node can run it and say so.
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= 24)) {
  process.stderr.write(
    `This npm script needs Node.js 24, but the node on its PATH is ${process.version}: the node-${process.platform}-${process.arch} ` +
      'package that provides Node 24 was not installed (no such package for this platform, or optional dependencies ' +
      'were omitted). Install Node 24 and put it first on your PATH, or run npm ci without --omit=optional.\n'
  );
  process.exit(1);
}
