// The `mtc` process: runs the command line on the process's own streams and ends with its exit
// code. bin/mtc.cjs loads this file's bundle (dist/mtc.cjs, scripts/build.mjs); tests that
// are not about the process call runCli (main.ts) in their own.
import { runCli } from './main.ts';
import { stage } from '../stages.ts';

stage('cli-loaded');

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: process.stderr.isTTY === true,
  env: process.env,
}).then((code) => {
  // Exit once the output is written, even if a library left a handle open: a command-line tool
  // must never hang after its work. A first Ctrl-C meanwhile changes nothing: the work is done.
  const ignore = () => {};
  process.once('SIGINT', ignore);
  process.once('SIGTERM', ignore);
  process.exitCode = code;
  stage('exit');
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
