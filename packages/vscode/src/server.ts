import { main } from '@kblint/language-server';

// The bundled server indexes on the main thread: core's worker pool loads
// its worker scripts by file name, which a single-file bundle does not have.
const code = main([...process.argv.slice(2), '--workers=1']);
if (code !== undefined) process.exitCode = code;
