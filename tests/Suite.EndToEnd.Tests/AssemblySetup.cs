// Each test class may start its own suite; two suites decoding at once on 2 cores would only slow each other down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
