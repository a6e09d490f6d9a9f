// The engine's Web Worker (src/web/worker.rs explains the design). The page's own WebAssembly
// module runs here: the first message brings the URL of its JS glue and the compiled module;
// every later one is a job (JSON text) for the module's `queuelabWorkerJob`, which posts its
// replies itself. What fails here is said as a reply, so the page can prove in the page instead.
let engine;
const failed = (what) => (error) =>
  self.postMessage(JSON.stringify({ failed: { message: `the engine ${what} in its worker: ${error}` } }));
self.onmessage = ({ data }) => {
  if (engine === undefined) {
    engine = import(data.glue).then(async (glue) => {
      await glue.default({ module_or_path: data.module });
      self.postMessage(JSON.stringify('ready'));
      return glue;
    });
    engine.catch(failed('did not start'));
    return;
  }
  engine.then((glue) => glue.queuelabWorkerJob(data)).catch(failed('stopped'));
};
