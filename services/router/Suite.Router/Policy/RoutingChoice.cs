namespace Suite.Router.Policy;

/// <summary>The candidate a policy chose (an index into <see cref="RoutingContext.Candidates"/>) and the runner-up, or -1.</summary>
public readonly record struct RoutingChoice(int Candidate, int RunnerUp);
