#!/usr/bin/env node
/**
 * The `wattwire` command: `wattwire [start] [--options FILE] [--demo]`,
 * `wattwire sim <kind> [flags]`, `wattwire cert generate|lfdi …`.
 */
type SubCommand = (argv: string[]) => Promise<void>;

/** Simulators by device kind; each module exports `runSimCli(argv)`. */
const SIMULATORS: Record<string, () => Promise<{ runSimCli: SubCommand }>> = {
  dlt645: () => import('./sim/dlt645/cli.ts'),
  dlms: () => import('./sim/dlms/cli.ts'),
  itron: () => import('./sim/itron/cli.ts'),
  xtender: () => import('./sim/xtender/cli.ts'),
  victron: () => import('./sim/victron/cli.ts'),
  kostal: () => import('./sim/kostal/cli.ts'),
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'sim') {
    const [kind, ...flags] = rest;
    const load = kind ? SIMULATORS[kind] : undefined;
    if (!load) {
      console.error(`usage: wattwire sim <${Object.keys(SIMULATORS).join('|')}> [flags]`);
      process.exitCode = 2;
      return;
    }
    await (await load()).runSimCli(flags);
    return;
  }
  if (command === 'cert') {
    const { runCertCli } = await import('./certs/cli.ts');
    await runCertCli(rest);
    return;
  }
  const { runMain } = await import('./main.ts');
  await runMain(command === 'start' ? rest : argv);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
