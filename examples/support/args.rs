//! `--throttle MODEL [--time-scale K]` of `bench_apply` and `bench_plan`.

use entraprov::sim::ThrottleSpec;

/// Removes `--throttle MODEL` and `--time-scale K` from `args` and returns the spec.
pub fn throttle(args: &mut Vec<String>) -> Option<ThrottleSpec> {
    let mut spec: Option<ThrottleSpec> = None;
    let mut scale = 1.0;
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--throttle" => {
                spec = Some(ThrottleSpec::parse(&value()).expect("--throttle documented[:S|M|L]"));
                args.drain(i..(i + 2).min(args.len()));
            }
            "--time-scale" => {
                scale = value().parse().expect("--time-scale K");
                args.drain(i..(i + 2).min(args.len()));
            }
            _ => i += 1,
        }
    }
    if let Some(s) = &mut spec {
        s.time_scale = scale;
    }
    spec
}
