// Gives a plain Node child process the `process.parentPort` an Electron utilityProcess has, over
// Node's IPC channel: the Electron boundary, replaced for tests where the binary cannot run.
process.parentPort = {
  on(event, listener) {
    if (event === 'message') process.on('message', (data) => listener({ data }));
  },
};
// The IPC channel must not keep the child alive once its work is done.
process.channel?.unref();
