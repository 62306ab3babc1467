// Loaded into dynalite by .ci/run (node --require). dynalite 4.0.0 throws
// from a request's 'error' event (index.js: req.on('error', function (err)
// { throw err })), so a client that aborts a request half-sent (a run
// interrupted mid-call) ends the server, and every later test that uses it
// fails. DynamoDB itself shrugs that off: log it and keep serving. Any
// other uncaught error still ends the process, as it would have.
'use strict'
process.on('uncaughtException', (err) => {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
    console.error(`dynalite: a client aborted its request (${err.message}); still serving`)
    return
  }
  console.error(err)
  process.exit(1)
})
