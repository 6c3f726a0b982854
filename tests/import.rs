//! `entraprov import` end to end: apps configured by hand (direct Graph calls with plain
//! reqwest, never entraprov code) in the simulator → `import` → `validate` → `plan`, which
//! must show only the secret token and the identity tag. Plus the emitter's round trip
//! through the manifest loader and import's errors.

#[path = "import/graph.rs"]
mod graph;
#[path = "common/graph_client.rs"]
mod graph_client;
#[path = "import/support.rs"]
mod support;

#[path = "import/check.rs"]
mod check;
#[path = "import/emitter.rs"]
mod emitter;
#[path = "import/errors.rs"]
mod errors;
#[path = "import/round_trip.rs"]
mod round_trip;
