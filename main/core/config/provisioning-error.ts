/** A provisioning file that exists but cannot be used; the message says which line to fix. */
export class ProvisioningError extends Error {}
