namespace Suite.Gateway.Limits;

/// <summary>The policy while the shared limit store cannot be reached.</summary>
public enum LimitStoreFailure
{
    /// <summary>Serve requests without limits until the store is back.</summary>
    Open,

    /// <summary>Refuse requests (503) until the store is back.</summary>
    Closed,
}
