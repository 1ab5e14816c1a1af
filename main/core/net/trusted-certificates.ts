/**
 * The certificate authorities Pail trusts for Bitbucket: Node's bundled roots (and
 * NODE_EXTRA_CA_CERTS), the operating system's store, and the admin's extra CA file named in the
 * provisioning file (`caFile`) — a company that inspects TLS re-signs every connection with its
 * own root, which only the admin can hand out.
 */
import { X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { getCACertificates } from 'node:tls'
import { ProvisioningError } from '../config/provisioning-error.js'

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/**
 * The certificates of a PEM file the admin named (`caFile`), each checked to be one: a missing,
 * unreadable or non-PEM file is a ProvisioningError saying which file and what to do.
 */
export async function readCaFile(file: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'Pail may not read it' : 'it cannot be read'
    throw new ProvisioningError(
      `The provisioning file names the certificate file ${file} ("caFile"), but ${why}. Ask your admin for the company's root certificate and put it there.`,
    )
  }
  const blocks = text.match(PEM_BLOCK) ?? []
  if (blocks.length === 0)
    throw new ProvisioningError(
      `The certificate file ${file} ("caFile" in the provisioning file) holds no certificate: it must be PEM text starting with "-----BEGIN CERTIFICATE-----". Ask your admin for the company's root certificate in PEM form.`,
    )
  blocks.forEach((pem, i) => {
    try {
      new X509Certificate(pem)
    } catch {
      throw new ProvisioningError(
        `Certificate ${i + 1} in ${file} ("caFile" in the provisioning file) is damaged and cannot be read. Ask your admin for a correct copy of the company's root certificate.`,
      )
    }
  })
  return blocks
}

/** The system's store, or none where this runtime cannot read it (the other roots still apply). */
function systemCertificates(): string[] {
  try {
    return getCACertificates('system')
  } catch {
    return []
  }
}

/** Every CA Pail trusts: Node's defaults, the system's, then `extra` (the admin's); each once. */
export function trustedCertificates(extra: readonly string[] = []): string[] {
  return [...new Set([...getCACertificates('default'), ...systemCertificates(), ...extra])]
}
