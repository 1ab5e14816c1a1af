/**
 * Builds `window.pail` from the contract: one named method per channel and one `onX` per event,
 * generated from the contract's own lists, so a shell cannot serve a renamed or missing channel.
 * The preload (Electron IPC) and the browser client of `pail serve` (HTTP and server-sent events)
 * each supply only the three ways to talk: invoke, subscribe, prepareUpload.
 */
import {
  channelNames,
  eventNames,
  listenerName,
  methodName,
  type ChannelName,
  type EventChannels,
  type EventName,
  type InputOf,
  type OutputOf,
  type RendererApi,
} from './contract.js'
import type { Result } from '../result.js'

/** How a shell carries requests and events. */
export interface Transport<File> {
  invoke<K extends ChannelName>(channel: K, input: InputOf<K>): Promise<Result<OutputOf<K>>>
  /** Calls `listener` with each payload of `event`; returns the function that stops it. */
  subscribe<K extends EventName>(event: K, listener: (payload: EventChannels[K]) => void): () => void
  prepareUpload: RendererApi<File>['prepareUpload']
}

/** `window.pail` over `transport`. */
export function buildRendererApi<File>(transport: Transport<File>): RendererApi<File> {
  const api: Record<string, unknown> = { prepareUpload: transport.prepareUpload }
  for (const name of channelNames) {
    api[methodName(name)] = (input?: unknown) => transport.invoke(name, input as InputOf<typeof name>)
  }
  for (const name of eventNames) {
    api[listenerName(name)] = (listener: (payload: EventChannels[typeof name]) => void) =>
      transport.subscribe(name, listener)
  }
  // Built from the contract's own lists above; the mapped type says the same thing statically.
  return api as RendererApi<File>
}
