// Each collection runs a whole distributed suite (a broker and six processes); two at once on 2 cores would turn every
// timing in them into noise.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
