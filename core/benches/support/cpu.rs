//! The calling thread's CPU time as a criterion measurement, shared by
//! the benches (`#[path = "support/cpu.rs"] mod cpu;`): with
//! `NETLAB_CPU_TIME=1` they time with it instead of the wall clock, which a
//! loaded machine disturbs much less (time spent descheduled is not
//! counted).

use criterion::Criterion;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// Whether `NETLAB_CPU_TIME` asks for [`ThreadCpu`].
pub fn wanted() -> bool {
    std::env::var_os("NETLAB_CPU_TIME").is_some()
}

/// Criterion timing with [`ThreadCpu`], configured from the command line.
pub fn criterion() -> Criterion<ThreadCpu> {
    Criterion::default()
        .with_measurement(ThreadCpu)
        .configure_from_args()
}

/// The calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`).
pub struct ThreadCpu;

fn thread_cpu_now() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl Measurement for ThreadCpu {
    type Intermediate = std::time::Duration;
    type Value = std::time::Duration;

    fn start(&self) -> Self::Intermediate {
        thread_cpu_now()
    }
    fn end(&self, start: Self::Intermediate) -> Self::Value {
        thread_cpu_now().saturating_sub(start)
    }
    fn add(&self, a: &Self::Value, b: &Self::Value) -> Self::Value {
        *a + *b
    }
    fn zero(&self) -> Self::Value {
        std::time::Duration::ZERO
    }
    fn to_f64(&self, value: &Self::Value) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds either way, so wall time's formatter fits.
        WallTime.formatter()
    }
}
