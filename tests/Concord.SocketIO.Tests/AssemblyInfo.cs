// Interop scenarios have second-scale timing (pings, timeouts); running them beside the
// CPU-heavy slow-client flood made them flaky, so test classes run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
