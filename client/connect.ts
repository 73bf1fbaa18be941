// A Temporal client as Drover's clients and commands make one: Temporal's environment
// configuration (config.ts) and Drover's data converter (payload encryption when keys are
// set). Close it with `client.connection.close()`.
import { Client, Connection } from '@temporalio/client';
import { droverDataConverter } from './codec/data-converter';
import { temporalTarget } from './config';

export async function connectTemporal(): Promise<Client> {
  const target = temporalTarget();
  // Before connecting: bad payload keys fail fast, with nothing to close.
  const dataConverter = droverDataConverter();
  const connection = await Connection.connect(target.connectionOptions);
  return new Client({ connection, namespace: target.namespace, dataConverter });
}
