import type { Diagnostic } from '@kblint/rule-kit';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toLspDiagnostic, toPath, toUri } from './convert.js';
import { codeActions, complete, definition, hover, references } from './features.js';
import { DEFAULT_MAX_CHARS, KnowledgeBase, type Change } from './knowledge-base.js';

export interface ServerOptions {
  /**
   * Changes that arrive within this many milliseconds of the last check are
   * collected and checked together; the first change after a pause is
   * checked at once.
   */
  debounceMs: number;
  maxChars: number;
  /** Read and update the project's `.kblintcache` when indexing, as the CLI does by default. */
  cache: boolean;
}

export const DEFAULT_OPTIONS: ServerOptions = { debounceMs: 50, maxChars: DEFAULT_MAX_CHARS, cache: true };

/**
 * Serves one workspace folder on `connection`. Every handler catches its own
 * errors and reports them to the client's log: bad input never ends the
 * server.
 */
export function serve(connection: Connection, setup: { workers?: number } = {}): void {
  const documents = new TextDocuments(TextDocument);
  let kb: KnowledgeBase | undefined;
  let options = DEFAULT_OPTIONS;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let progressSupported = false;
  let watchRegistration = false;
  /** Documents edited since the last check, by path. */
  const pending = new Set<string>();
  /** Findings as last published, per path: quick fixes read their suggestions. */
  const published = new Map<string, Diagnostic[]>();
  const uris = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let lastRun = -Infinity;

  const log = (what: string, error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    connection.console.error(`kblint: ${what} failed: ${message}`);
  };
  function guard<A extends unknown[], R>(what: string, fallback: R, handler: (...args: A) => R | Promise<R>) {
    return async (...args: A): Promise<R> => {
      try {
        return await handler(...args);
      } catch (error) {
        log(what, error);
        return fallback;
      }
    };
  }

  const pathOf = (uri: string | undefined): string | undefined => {
    if (typeof uri !== 'string') return undefined;
    const file = toPath(uri);
    if (file) uris.set(file, uri);
    return file;
  };
  const lineAt = (uri: string, line: number) => documents.get(uri)?.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const isMarkdown = (document: TextDocument) => document.languageId === 'markdown' || /\.(?:md|markdown)$/i.test(document.uri);

  const publish = (file: string) => {
    if (!kb) return;
    const uri = uris.get(file) ?? toUri(file);
    const document = documents.get(uri);
    const findings = kb.diagnose(file);
    published.set(file, findings);
    void connection.sendDiagnostics({
      uri,
      ...(document ? { version: document.version } : {}),
      diagnostics: findings.map((finding, i) => toLspDiagnostic(finding, i)),
    });
  };

  /** Re-checks the edited documents, then the open documents that depend on them. */
  const run = () => {
    timer = undefined;
    if (!kb?.ready || pending.size === 0) return;
    const edited = [...pending];
    pending.clear();
    const changes: Change[] = [];
    for (const file of edited) {
      try {
        const document = documents.get(uris.get(file) ?? toUri(file));
        if (!document) continue;
        changes.push(kb.setText(file, document.getText()));
        publish(file);
      } catch (error) {
        log(`checking ${file}`, error);
      }
    }
    republishDependents(changes, new Set(edited));
    lastRun = performance.now();
  };

  const republishDependents = (changes: Change[], done: Set<string>) => {
    if (!kb) return;
    const dependents = new Set<string>();
    for (const change of changes) for (const file of kb.dependents(change)) if (!done.has(file)) dependents.add(file);
    for (const file of dependents) {
      try {
        publish(file);
      } catch (error) {
        log(`checking ${file}`, error);
      }
    }
  };

  const schedule = () => {
    if (timer) return;
    const wait = Math.max(0, lastRun + options.debounceMs - performance.now());
    timer = setTimeout(run, wait);
  };

  /** Feature requests see the latest text: run the pending check now instead of after the debounce. */
  const flush = async () => {
    await ready;
    if (pending.size) {
      if (timer) clearTimeout(timer);
      run();
    }
  };

  const load = async () => {
    const progress = progressSupported ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('kblint', 0, 'Indexing the knowledge base', false);
    try {
      const base = kb as KnowledgeBase;
      await base.load((done, total) => progress?.report(Math.round((done / total) * 100), `${done}/${total} articles`));
      connection.console.info(`kblint: indexed ${base.getIndex().size} articles under ${base.config.contentRoot}`);
      // Everything that was open gets checked against the new state.
      for (const file of base.openFiles()) pending.add(file);
      for (const document of documents.all()) {
        const file = pathOf(document.uri);
        if (file && isMarkdown(document)) pending.add(file);
      }
      if (timer) clearTimeout(timer);
      run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      void connection.window.showErrorMessage(`kblint: ${message}`);
      log('loading the config', error);
    } finally {
      progress?.done();
    }
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const root = (folder ? toPath(folder) : undefined) ?? params.rootPath ?? process.cwd();
    const init = (params.initializationOptions ?? {}) as Partial<ServerOptions>;
    options = {
      debounceMs: typeof init.debounceMs === 'number' && init.debounceMs >= 0 ? init.debounceMs : DEFAULT_OPTIONS.debounceMs,
      maxChars: typeof init.maxChars === 'number' && init.maxChars > 0 ? init.maxChars : DEFAULT_OPTIONS.maxChars,
      cache: typeof init.cache === 'boolean' ? init.cache : DEFAULT_OPTIONS.cache,
    };
    kb = new KnowledgeBase({ root, maxChars: options.maxChars, cache: options.cache, ...(setup.workers !== undefined ? { workers: setup.workers } : {}) });
    progressSupported = params.capabilities.window?.workDoneProgress === true;
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: ['[', '(', '#', '^', '/', ' ', ','] },
        definitionProvider: true,
        hoverProvider: true,
        referencesProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'kblint-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(
    guard('initializing', undefined, async () => {
      if (watchRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: '**/*.md' },
            { globPattern: '**/{.kblintrc,.kblintrc.*,kblint.config.*,package.json,.gitignore,.kblintignore,*.yml,*.yaml,*.json}' },
          ],
        });
      }
      await load();
      markReady();
    }),
  );

  documents.onDidChangeContent(
    guard('a document change', undefined, ({ document }) => {
      const file = pathOf(document.uri);
      if (!file || !isMarkdown(document)) return;
      pending.add(file);
      schedule();
    }),
  );

  documents.onDidClose(
    guard('closing a document', undefined, async ({ document }) => {
      const file = pathOf(document.uri);
      if (!file) return;
      pending.delete(file);
      published.delete(file);
      void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
      if (!kb?.ready || !kb.isOpen(file)) return;
      const change = await kb.close(file);
      republishDependents([change], new Set());
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('a file change on disk', undefined, async ({ changes }) => {
      await ready;
      if (!kb) return;
      const base = kb;
      const files = changes.map((change) => pathOf(change.uri));
      if (files.some((file) => file && base.isConfigFile(file))) {
        await load();
        return;
      }
      const found: Change[] = [];
      for (const file of files) {
        if (!file || !/\.md$/i.test(file)) continue;
        const change = await base.fileChanged(file);
        if (change) found.push(change);
      }
      republishDependents(found, new Set());
    }),
  );

  connection.onCodeAction(
    guard('code actions', [], async (params) => {
      await flush();
      const file = pathOf(params.textDocument.uri);
      const document = documents.get(params.textDocument.uri);
      if (!file || !document) return [];
      return codeActions(document, published.get(file) ?? [], params.context?.diagnostics ?? [], params.range);
    }),
  );

  connection.onCompletion(
    guard('completion', [], async (params) => {
      await flush();
      const file = pathOf(params.textDocument.uri);
      const document = documents.get(params.textDocument.uri);
      if (!file || !document || !kb || !isMarkdown(document)) return [];
      return complete(kb, file, document, params.position);
    }),
  );

  connection.onDefinition(
    guard('go to definition', [], async (params) => {
      await flush();
      const file = pathOf(params.textDocument.uri);
      return file && kb ? definition(kb, file, params.position, lineAt(params.textDocument.uri, params.position.line)) : [];
    }),
  );

  connection.onHover(
    guard('hover', null, async (params) => {
      await flush();
      const file = pathOf(params.textDocument.uri);
      return file && kb ? hover(kb, file, params.position, lineAt(params.textDocument.uri, params.position.line)) : null;
    }),
  );

  connection.onReferences(
    guard('find references', [], async (params) => {
      await flush();
      const file = pathOf(params.textDocument.uri);
      return file && kb
        ? references(kb, file, params.position, params.context?.includeDeclaration !== false, lineAt(params.textDocument.uri, params.position.line))
        : [];
    }),
  );

  documents.listen(connection);
  connection.listen();
}
