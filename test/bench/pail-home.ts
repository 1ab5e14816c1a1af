/**
 * Pail's AuthService on a given Pail home, as a Pail process makes it. Imports only Pail's own
 * modules, so the large-file child's idle RSS is Pail's and not the emulator's.
 */
import { join } from 'node:path'
import { AuthService } from '../../main/core/auth/auth-service.js'
import { FileLogger } from '../../main/core/log/logger.js'
import { systemClock } from '../../main/core/ports.js'
import { FileSecretStore } from '../../main/core/secrets/file-secret-store.js'

/** An AuthService on `home` (the child process reopens the parent's home with this). */
export function pailAuthService(home: string, endpoints: { webUrl: string; apiUrl: string }): AuthService {
  return new AuthService({
    home,
    secrets: new FileSecretStore(join(home, 'secrets.json')),
    clock: systemClock,
    opener: { open: async () => false },
    provisioning: {},
    endpoints: { webUrl: endpoints.webUrl, apiUrl: endpoints.apiUrl },
    logger: new FileLogger(join(home, 'logs', 'pail.log')),
  })
}
