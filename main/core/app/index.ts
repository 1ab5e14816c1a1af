/**
 * The core behind the window, for both shells (the Electron main process and `pail serve`):
 *
 * - `createPailCore(ports)` composes the core services once and answers `{ handlers, events, close }`;
 * - `dispatch(handlers, channel, payload)` is the one entry for a request from the window (checks
 *   the channel and its payload, runs the handler, answers a `Result`);
 * - `AppEvents` is the typed emitter over the contract's `EventChannels`;
 * - `StagingPort` is what `pail serve`'s staging area offers `upload:start` with `{kind:'staged'}`.
 *
 * This surface is stable: changes are noted here.
 * - Additive since the first version: `PailCorePorts.progressIntervalMs`, and in `watchTuning`
 *   `lockRetryMs`, `sessionCheckMs`, `accountCheckMs` (all optional, for tests).
 * - The core's handlers throw only `AppError` (unexpected errors are logged to the core's log
 *   first), so `dispatch`'s optional `logger` matters only for handlers from elsewhere.
 */
export { createPailCore, type PailCore } from './pail-core.js'
export { dispatch, toUserError } from './dispatch.js'
export { AppEventBus, type AppEvents, type EventListener } from './events.js'
export { AppError } from './app-error.js'
export type { LaunchAtLoginPort, PailCorePorts, StagedFiles, StagingPort, WatchTuning } from './ports.js'
