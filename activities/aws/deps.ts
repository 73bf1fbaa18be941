// What AWS activities receive from the worker. Kept apart from index.ts so that every
// group of AWS actions can import it without importing all the others.
import type { ActionRequest } from '../../workflows/definitions';
import type { AwsClients } from './clients';

/** An AWS call an action made, reported to the fault hook. */
export interface SideEffectEvent {
  request: ActionRequest;
  /** boto3 names, e.g. `ec2` and `CreateSnapshot`. */
  service: string;
  api: string;
}

export interface AwsActivityDeps {
  /** Default: one AwsClients for the worker (AWS_ENDPOINT_URL, default credential chain). */
  clients?: AwsClients;
  /**
   * Fault injection for tests of idempotency and resumption: called in the activity after
   * an AWS call of an action succeeded (every call of the AWS API actions, wait polls
   * included), before the activity goes on. Throwing here is what a crash at that moment
   * looks like to Temporal: the attempt fails retryably and the activity runs again, with
   * its last heartbeat details.
   */
  afterSideEffect?: (event: SideEffectEvent) => void | Promise<void>;
}

export type ResolvedAwsDeps = AwsActivityDeps & { clients: AwsClients };
