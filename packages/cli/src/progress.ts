/**
 * A one-line progress bar on stderr: only on a terminal, and only once a run
 * has taken a second, so quick runs and piped output stay clean.
 */
export function progressBar(stream: NodeJS.WritableStream, delayMs = 1000): { update(done: number, total: number): void; end(): void } {
  const tty = stream as NodeJS.WriteStream;
  if (!tty.isTTY) return { update() {}, end() {} };
  const started = Date.now();
  let shown = false;
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - started < delayMs || (now - last < 80 && done < total)) return;
      last = now;
      shown = true;
      const width = Math.max(10, Math.min(40, (tty.columns ?? 80) - 30));
      const filled = total === 0 ? width : Math.round((done / total) * width);
      tty.write(`\r\x1b[2Kkblint [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} files`);
    },
    end() {
      if (shown) tty.write('\r\x1b[2K');
    },
  };
}
