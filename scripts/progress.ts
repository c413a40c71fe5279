import cliProgress from 'cli-progress';

/** A progress bar on stderr (so --json output stays clean); silent when stderr is not a terminal. */
export function progressBar(label: string, total: number): { tick(detail?: string): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {detail}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { detail: '' });
  return {
    tick: (detail = '') => bar.increment(1, { detail }),
    stop: () => bar.stop(),
  };
}
