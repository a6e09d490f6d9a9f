//! The engine's Web Worker: the page's own WebAssembly module, run a second time off the main
//! thread, for work that takes long — today the authoring page's "Prove".
//!
//! Why the same module and not a second worker binary (Trunk's `data-type="worker"`, gloo-worker):
//! a second binary would be a second ~1.4 MB (gzipped) download and a second release build, for
//! an engine the page already holds. Instead the page hands the worker what it has: the
//! already-compiled `WebAssembly.Module` (`wasm_bindgen::module()`, structured-cloneable, so
//! nothing is downloaded or compiled again) and the URL of the JS glue that instantiates it. The
//! worker is `static/engine-worker.js` (copied into the build by Trunk, `rel="copy-file"`), a
//! module worker of a dozen lines: its first message is `{ glue, module }`, it imports the glue,
//! instantiates the module with it, says `"ready"`, and hands every later message to
//! [`worker_job`]. The module's `main` sees no window there and returns at once (`web::start`).
//!
//! Where the glue URL comes from: Trunk's loader (`pattern_script` in Trunk.toml) writes it into
//! `window.queuelabGlue`, since the loader is the one place that knows the hashed name; the
//! worker script's URL is resolved next to it. Not `import.meta.url` from Rust: that puts
//! `import.meta` into the glue, which the node build of the wasm tests cannot parse. A page
//! without the loader — wasm-bindgen-test in node or Chromium — has no `queuelabGlue`, so
//! [`EngineWorker::start`] gives `None` and the caller does the work in the page, between frames,
//! with the very same code ([`crate::playground::worker_job`] is the worker's side of it).
//!
//! Chromium runs module workers and clones compiled modules to them (checked by the end-to-end
//! test, which also proves once with the worker script refused and compares the two results).
//! The Content-Security-Policy allows the worker by `worker-src 'self'` (same origin, no `blob:`);
//! the worker, fetched from the own origin, is not bound by the page's policy (its own would come
//! from its response headers), so instantiating the module there needs nothing more.
//!
//! Messages are JSON text both ways ([`Job`], [`Reply`]). A worker lives for one job: Cancel (or
//! leaving the page) terminates it, which stops a simulation run in the middle, and the next
//! Prove starts a fresh one (instantiating the compiled module takes milliseconds, in the worker).

use crate::playground::worker_job::{self, Job, Reply};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, Event, MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

/// The worker script, next to the glue in the build.
const WORKER_SCRIPT: &str = "engine-worker.js";
/// Where Trunk's loader leaves the glue's URL.
const GLUE_KEY: &str = "queuelabGlue";

/// A worker doing one job; dropping it terminates the worker.
pub struct EngineWorker {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl EngineWorker {
    /// Starts a worker on `job`; every reply goes to `on_reply`. `None` where no worker can start
    /// here (no loader told the glue's URL, or the browser refused the worker at once); a worker
    /// that fails later, while starting, says [`Reply::Failed`] before [`Reply::Ready`].
    pub fn start(job: &Job, on_reply: Callback<Reply>) -> Option<EngineWorker> {
        let window = web_sys::window()?;
        let glue = js_sys::Reflect::get(&window, &GLUE_KEY.into())
            .ok()?
            .as_string()?;
        let script = web_sys::Url::new_with_base(WORKER_SCRIPT, &glue)
            .ok()?
            .href();
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&script, &options).ok()?;
        let replies = on_reply.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let text = event.data().as_string().unwrap_or_default();
            replies.emit(Reply::from_json(&text));
        });
        // An error in the worker comes as an ErrorEvent; a script that could not be loaded as a
        // plain Event, without a message.
        let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            let message = js_sys::Reflect::get(&event, &"message".into())
                .ok()
                .and_then(|message| message.as_string())
                .unwrap_or_else(|| format!("{WORKER_SCRIPT} could not be loaded"));
            on_reply.emit(Reply::Failed {
                message: format!("the engine's worker stopped: {message}"),
            });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let start = js_sys::Object::new();
        js_sys::Reflect::set(&start, &"glue".into(), &glue.into()).ok()?;
        js_sys::Reflect::set(&start, &"module".into(), &wasm_bindgen::module()).ok()?;
        let posted = worker
            .post_message(&start)
            .and_then(|()| worker.post_message(&job.to_json().into()));
        let started = EngineWorker {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        };
        posted.ok().map(|()| started)
    }
}

impl Drop for EngineWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Whether this instance of the module runs in a worker (there is no window).
pub fn in_worker() -> bool {
    web_sys::window().is_none()
}

/// The worker's side: does the job in `message` (a [`Job`] as JSON), posting each [`Reply`] as
/// JSON. Called by `static/engine-worker.js`, in the worker only.
#[wasm_bindgen(js_name = queuelabWorkerJob)]
pub fn worker_job(message: &str) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = move |reply: Reply| {
        let _ = scope.post_message(&reply.to_json().into());
    };
    // A panic stops the module; say why before it does (the script then adds that it stopped).
    std::panic::set_hook(Box::new(|info| {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let reply = Reply::Failed {
            message: format!("the engine stopped on an internal error: {info}"),
        };
        let _ = scope.post_message(&reply.to_json().into());
    }));
    match Job::from_json(message) {
        Ok(job) => worker_job::run(&job, post),
        Err(message) => post(Reply::Failed { message }),
    }
}
