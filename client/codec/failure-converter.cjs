// Drover's failure converter when payloads are encrypted: a failure's message and stack
// trace move into a payload (`encodedAttributes`) that the codec encrypts, so step failure
// messages (which quote scripts' errors and AWS's) are no more readable in the server's
// history than inputs and outputs are. Readers need nothing special: every Temporal SDK
// decodes encodedAttributes.
//
// CommonJS on purpose: the worker loads it with require() (failureConverterPath), and the
// workflow bundler compiles it into the workflow bundle.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
