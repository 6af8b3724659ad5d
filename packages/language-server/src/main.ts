import { inspect } from 'node:util';
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection } from 'vscode-languageserver/node.js';
import { serve } from './server.js';

const USAGE = `Usage: kblint-language-server --stdio

Speaks the Language Server Protocol over stdin/stdout for the Markdown
knowledge base in the client's workspace folder (found like \`kblint\` finds
its config). Also accepts --node-ipc and --socket=<port>.

  --workers=<n>   threads for the first indexing (default: by size and cores;
                  1 keeps it on the main thread, as the bundled VS Code server does)
`;

/** The `kblint-language-server` command. Returns an exit code when it does not start a server. */
export function main(argv: string[]): number | undefined {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!argv.some((arg) => arg === '--stdio' || arg === '--node-ipc' || arg.startsWith('--socket') || arg.startsWith('--pipe'))) {
    process.stderr.write(`kblint-language-server: expected a transport such as --stdio\n\n${USAGE}`);
    return 2;
  }
  let connection: Connection;
  if (argv.includes('--stdio')) {
    // Our own reader so that a malformed message reaches the client's log
    // instead of vanishing; the server reads on after it.
    const reader = new StreamMessageReader(process.stdin);
    connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
    reader.onError((error) => connection.console.error(`kblint: unreadable message from the client: ${error.message}`));
    // stdout carries the protocol: anything a dependency prints goes to the log.
    const toLog = (...args: unknown[]) => connection.console.log(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' '));
    console.log = console.info = console.warn = console.debug = toLog;
    // The client closing our stdin ends the session, as with the library's own stdio transport.
    process.stdin.on('end', () => process.exit(0));
  } else {
    // The connection reads the transport (--node-ipc, --socket, --pipe) from process.argv.
    connection = createConnection(ProposedFeatures.all);
  }
  // Last line of defence: a bug in one handler is logged, not fatal.
  process.on('uncaughtException', (error) => connection.console.error(`kblint: uncaught ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`kblint: unhandled ${String(reason)}`));
  const workers = /^--workers=(\d+)$/.exec(argv.find((arg) => arg.startsWith('--workers=')) ?? '')?.[1];
  serve(connection, workers === undefined ? {} : { workers: Number(workers) });
  return undefined;
}
