/** Progress of an import: a redrawn bar on a terminal, one plain line per chunk otherwise (logs, CI). */
export function progressReporter(total: number, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  const fancy = stream.isTTY === true;
  const number = (n: number) => n.toLocaleString('en-US');
  const seconds = (s: number) => (s >= 90 ? `${Math.round(s / 60)} min` : `${Math.ceil(s)} s`);

  const line = (done: number) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? seconds((total - done) / rate) : '?';
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    return `${number(done)}/${number(total)} rows (${percent}%), ${number(Math.round(rate))} rows/s, ETA ${done >= total ? '0 s' : eta}`;
  };

  return {
    update(done: number) {
      if (!fancy) return void stream.write(`imported ${line(done)}\n`);
      const width = 24;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line(done)}`);
    },
    /** A message between updates (a retry), without breaking the bar. */
    note(message: string) {
      stream.write(fancy ? `\r\x1b[K${message}\n` : `${message}\n`);
    },
    finish() {
      if (fancy) stream.write('\n');
      return (Date.now() - started) / 1000;
    },
  };
}
