// Who did something, as Drover records it: the contract that approvals, starts, sessions and
// the event ingress share. Types only (importable by workflows). The identity module beside
// this file turns a proof into a Principal; nothing else may construct a verified one.

/** Where a principal was proven. `local` is the unverified identity `drover dev` may allow. */
export type IdentitySource = 'aws-iam' | 'oidc' | 'api-key' | 'local';

export interface Principal {
  /**
   * Canonical id: an IAM ARN (`arn:aws:iam::123456789012:user/ops`,
   * `arn:aws:sts::123456789012:assumed-role/Role/session`), `oidc:<issuer>#<sub>`,
   * `api-key:<key id>`, or `local:<name>`.
   */
  id: string;
  source: IdentitySource;
  /** False only for `local` identities, which must be marked as such wherever they are shown. */
  verified: boolean;
  /** A friendlier name where the source has one (OIDC email, session name). */
  display?: string;
}

/** What a caller sends to prove who it is. Never recorded: only the resulting Principal is. */
export type IdentityProof =
  | { kind: 'aws-iam'; /** A presigned sts:GetCallerIdentity request. */ request: PresignedRequest }
  | { kind: 'oidc'; token: string }
  | { kind: 'local'; name: string };

export interface PresignedRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
}

/** What a proof is bound to, so that it cannot be replayed for another action or execution. */
export interface ProofBinding {
  /** `approve`, `reject`, `resume`, `start`, `session`, … */
  action: string;
  /** The execution, session or runbook the action is on. */
  resource: string;
}
