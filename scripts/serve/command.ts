import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_PORT, serve } from './server';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be an integer from 0 to 65535, got "${value}"`);
  return n;
};

/** `gradcheck serve [--port n]`: the browser page (scripts/serve); scripts/cli.ts calls this once. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description("serve a page that runs the twin checks, a bench and a pasted WGSL kernel's check on the browser's own WebGPU adapter")
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', port, DEFAULT_PORT)
    .action(async (opts: { port: number }) => {
      const { url } = await serve(opts.port);
      console.log(`gradcheck serve: open ${url} in a browser with WebGPU (Ctrl-C stops)`);
    });
}
