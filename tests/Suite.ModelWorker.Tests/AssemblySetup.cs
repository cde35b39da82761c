using Suite.ModelWorker.Tests;

// llama.cpp runs on 2 cores here; tests that decode in parallel would only slow each other down and blur timings.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: AssemblyFixture(typeof(SmokeModelFixture))]
