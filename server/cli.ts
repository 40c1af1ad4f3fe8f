#!/usr/bin/env node
/**
 * The `wattwire` command: `wattwire [start] [--options FILE] [--demo]`,
 * `wattwire sim <kind> [flags]`, `wattwire cert generate|lfdi …`, `wattwire --version`.
 */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--version') {
    const { PACKAGE_ROOT } = await import('./packageRoot.ts');
    console.log(PACKAGE_ROOT.version);
    return;
  }
  if (command === 'sim') {
    const { DRIVER_DEFINITIONS, definitionOf } = await import('./drivers/registry.ts');
    const [kind, ...flags] = rest;
    const definition = kind ? definitionOf(kind) : undefined;
    if (!definition) {
      console.error(`usage: wattwire sim <${DRIVER_DEFINITIONS.map((d) => d.kind).join('|')}> [flags]`);
      process.exitCode = 2;
      return;
    }
    await (await definition.simulator.cli()).runSimCli(flags);
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
