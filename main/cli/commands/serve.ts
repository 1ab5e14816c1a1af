/**
 * `pail serve [--port P] [--open]`: Pail's window in the browser, for computers without the
 * desktop app. Runs the same core as the desktop app (the sync service watching every pair while
 * someone is signed in) and serves the built window and the contract on 127.0.0.1 only
 * (main/cli/serve/). Prints the address, carrying a one-time secret, on a line of its own; Ctrl+C
 * stops the server and the core cleanly.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createPailCore, type PailCore } from '../../core/app/index.js'
import { builtRendererDir } from '../../core/build-output.js'
import { installNetworkOrTell } from '../../core/net/network.js'
import { CliError, systemOpener, type CliContext } from '../cli-context.js'
import type { CommandSpec } from '../command.js'
import { PortInUseError, startServeServer, type RunningServe } from '../serve/serve-server.js'
import { StagingArea } from '../serve/staging-area.js'

const options = {
  port: { type: 'string' },
  open: { type: 'boolean', default: false },
} as const

/** `--port`: a whole number from 1 to 65535 (0, or leaving it out, picks a free one). */
function parsePort(value: string | undefined): number {
  if (value === undefined) return 0
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN
  if (!(port >= 0 && port <= 65_535))
    throw new CliError(
      `"${value}" is not a port: give a number from 1 to 65535, or leave --port out for a free one.`,
      2,
    )
  return port
}

/** Resolves on the first Ctrl+C (SIGINT) or SIGTERM. */
function untilStopped(): { stopped: Promise<string>; dispose(): void } {
  let dispose = (): void => undefined
  const stopped = new Promise<string>((resolve) => {
    const onSignal = (signal: string): void => resolve(signal)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    dispose = () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  })
  return { stopped, dispose: () => dispose() }
}

async function serve(ctx: CliContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options, strict: true })
  const port = parsePort(values.port)
  const rendererDir = builtRendererDir()
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new CliError(
      `Pail's window is not built (nothing in ${rendererDir}). Run "npm run build" in Pail's folder, then try again.`,
    )
  const signals = untilStopped()
  const staging = await StagingArea.open(ctx.home, { logger: ctx.logger })
  let core: PailCore | null = null
  let server: RunningServe | null = null
  try {
    core = await createPailCore({
      home: ctx.home,
      shell: 'headless',
      env: ctx.env,
      // In the browser the window opens Bitbucket's sign-in page in a new tab itself.
      opener: { open: async () => false },
      logger: ctx.logger,
      notices: (notice) => ctx.err(`pail: ${notice.message}\n`),
      launchAtLogin: null,
      staging,
      runnerName: 'pail serve',
      // The proxy from the environment, as every command; again with the CA file of an imported provisioning.
      network: ({ caFile }) =>
        installNetworkOrTell({ proxy: { kind: 'environment', env: ctx.env }, caFile, logger: ctx.logger }, (message) =>
          ctx.err(`pail: ${message}\n`),
        ),
    })
    try {
      server = await startServeServer({
        handlers: core.handlers,
        events: core.events,
        rendererDir,
        staging,
        port,
        logger: ctx.logger,
      })
    } catch (error) {
      if (error instanceof PortInUseError) throw new CliError(error.message)
      throw error
    }
    ctx.out('Pail is open at this address (on this computer only; it works once):\n')
    // The address alone on its line, so scripts and tests can take it as it is.
    ctx.out(`${server.url}\n`)
    if (values.open && !(await systemOpener(ctx.env).open(server.url)))
      ctx.err('No browser could be opened here: open the address above yourself.\n')
    ctx.err('Press Ctrl+C to stop.\n')
    await signals.stopped
    ctx.err('Stopping…\n')
    return 0
  } finally {
    signals.dispose()
    await server?.stop()
    await core?.close()
    await staging.close()
  }
}

export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: "Open Pail's window in your browser (served on this computer only)",
  help: `Usage: pail serve [--port P] [--open]

Serves Pail's window to your web browser, on this computer only (127.0.0.1), and keeps the
paired folders in sync while it runs, as the desktop app does. It prints an address to open;
the address works once (it signs that browser in), so keep the tab. Ctrl+C stops it.

Options:
  --port P   Listen on port P (1 to 65535); without it, a free port is picked
  --open     Open the address in your default browser
  -h, --help Show this help`,
  options,
  run: serve,
}
