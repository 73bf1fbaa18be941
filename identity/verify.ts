// Turns a proof into a Principal. The one place that decides who someone is: approvals,
// starts, sessions and the ingress all call verifyProof (from an activity, since it may do
// I/O), never trust a name a client sends.
//
// Sources: `local` (an unverified name, accepted only where local identities are allowed:
// `drover dev` sets DROVER_IDENTITY_ALLOW_LOCAL=1). AWS IAM (presigned
// sts:GetCallerIdentity) and OIDC (JWT against the issuer's JWKS) are issue 15's work and
// are refused until they exist.
import type { IdentityProof, Principal, ProofBinding } from './principal';

export class IdentityRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityRefusedError';
  }
}

export interface IdentityConfig {
  /** Accept unverified local names (development only). Default: DROVER_IDENTITY_ALLOW_LOCAL=1. */
  allowLocal?: boolean;
}

export function identityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return { allowLocal: env.DROVER_IDENTITY_ALLOW_LOCAL === '1' || env.DROVER_IDENTITY_ALLOW_LOCAL === 'true' };
}

export async function verifyProof(proof: IdentityProof, binding: ProofBinding, config: IdentityConfig = identityConfigFromEnv()): Promise<Principal> {
  void binding; // a local name is bound to nothing; proven sources check it
  switch (proof.kind) {
    case 'local': {
      if (!config.allowLocal) {
        throw new IdentityRefusedError(
          `an unverified local identity (${proof.name}) is refused here: prove who you are with AWS IAM or OIDC, or allow local identities for development (DROVER_IDENTITY_ALLOW_LOCAL=1, as drover dev does)`,
        );
      }
      const name = proof.name.trim();
      if (!name) throw new IdentityRefusedError('a local identity needs a name');
      return { id: `local:${name}`, source: 'local', verified: false };
    }
    default:
      throw new IdentityRefusedError(`identity proofs of kind ${proof.kind} are not verified by this Drover yet`);
  }
}
