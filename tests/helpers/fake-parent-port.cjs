// Gives a plain Node child process the `process.parentPort` an Electron utilityProcess has, over
// Node's IPC channel: the Electron boundary, replaced for tests where the binary cannot run. As in
// Electron, messages that arrive before a listener is registered are queued, not lost (the parent
// posts the token right after the fork, before a bundled or tsx-loaded entry has run).
const queued = [];
const listeners = [];
process.on('message', (data) => {
  if (listeners.length === 0) queued.push(data);
  else for (const listener of listeners) listener({ data });
});
process.parentPort = {
  on(event, listener) {
    if (event !== 'message') return;
    listeners.push(listener);
    for (const data of queued.splice(0)) listener({ data });
  },
};
// No unref() of the channel: like a utilityProcess (electron/electron#47228), the child lives until
// it exits itself (the entry does once `serve` returns) or is killed, also while it awaits its token.
