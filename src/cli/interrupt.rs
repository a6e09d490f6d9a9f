//! Ctrl-C during a real-thread run: the first press stops intake, drains and still prints the
//! report; a second press exits at once.

use std::sync::atomic::{AtomicBool, Ordering};

pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_: libc::c_int) {
    if INTERRUPTED.swap(true, Ordering::SeqCst) {
        // Only async-signal-safe calls here.
        unsafe { libc::_exit(130) };
    }
}

/// Routes SIGINT to [`INTERRUPTED`] until the guard is dropped.
pub struct CatchInterrupt {
    previous: libc::sighandler_t,
}

impl CatchInterrupt {
    pub fn install() -> Self {
        INTERRUPTED.store(false, Ordering::SeqCst);
        let handler = on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: the handler only touches an atomic and calls _exit, both async-signal-safe.
        let previous = unsafe { libc::signal(libc::SIGINT, handler) };
        CatchInterrupt { previous }
    }
}

impl Drop for CatchInterrupt {
    fn drop(&mut self) {
        // SAFETY: restores the handler that was installed before.
        unsafe { libc::signal(libc::SIGINT, self.previous) };
    }
}
