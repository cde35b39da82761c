namespace Suite.Contracts;

/// <summary>Why a generation ended, in OpenAI's vocabulary where one exists.</summary>
public enum FinishReason
{
    /// <summary>The model produced an end-of-generation token or a stop string matched.</summary>
    Stop = 0,

    /// <summary>The token budget (max_tokens or the context) was reached.</summary>
    Length = 1,

    /// <summary>The client went away or asked to cancel.</summary>
    Cancelled = 2,

    /// <summary>The engine failed.</summary>
    Error = 3,
}
