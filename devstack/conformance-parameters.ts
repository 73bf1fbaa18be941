// Where `drover conformance --run` finds parameters by default: the file shipped for the
// runbooks of the shared SSM corpus (document → parameters, `${Fixture}` placeholders).
import { fileURLToPath } from 'node:url';

export const DEFAULT_RUN_PARAMETERS = fileURLToPath(new URL('./conformance-parameters.yaml', import.meta.url));
