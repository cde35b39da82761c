namespace Suite.Models.Catalog;

/// <summary>
/// Resolves the served model once per process, however many services in it need it (in embedded mode the tokenizer
/// and the worker share one resolution, so the smoke model is generated or checked once).
/// </summary>
public sealed class ModelResolution(ModelCatalogSettings settings)
{
    private readonly Lazy<ResolvedModel> _model = new(() => ModelCatalog.Resolve(settings), LazyThreadSafetyMode.ExecutionAndPublication);

    public ModelCatalogSettings Settings { get; } = settings;

    public ResolvedModel Model => _model.Value;
}
