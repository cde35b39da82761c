using System.Runtime.InteropServices;
using LLama.Native;
using Suite.Contracts;

namespace Suite.ModelWorker.Backends.LlamaCpp;

/// <summary>
/// llama.cpp's grammar sampler, called directly. LLamaSharp's <c>SafeLLamaSamplerChainHandle.AddGrammar</c> adds
/// whatever <c>llama_sampler_init_grammar</c> returns, and that is null for a grammar llama.cpp cannot parse: the chain
/// would then crash the process at the next sample. Here a null is an exception naming the problem, and the sampler is
/// only added to a chain once it exists. The functions come from the libllama this process loaded (LLamaSharp's).
/// </summary>
internal static class NativeGrammar
{
    private static readonly Lazy<Functions> Api = new(Load);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr InitGrammar(IntPtr vocab, [MarshalAs(UnmanagedType.LPUTF8Str)] string grammar, [MarshalAs(UnmanagedType.LPUTF8Str)] string root);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ModelGetVocab(IntPtr model);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void ChainAdd(IntPtr chain, IntPtr sampler);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SamplerFree(IntPtr sampler);

    /// <summary>The model's <c>llama_vocab*</c>, valid while the model is loaded.</summary>
    public static IntPtr Vocabulary(SafeLlamaModelHandle model) => Api.Value.GetVocab(model.DangerousGetHandle());

    /// <summary>Parses <paramref name="grammar"/> as llama.cpp does, without keeping it.</summary>
    /// <exception cref="ConstraintRejectedException">llama.cpp cannot parse it.</exception>
    public static void Check(IntPtr vocabulary, GrammarConstraint grammar) => Api.Value.Free(Create(vocabulary, grammar));

    /// <summary>Appends a grammar sampler for <paramref name="grammar"/> to <paramref name="chain"/>, which then owns it.</summary>
    public static void AddTo(SafeLLamaSamplerChainHandle chain, IntPtr vocabulary, GrammarConstraint grammar)
        => Api.Value.Add(chain.DangerousGetHandle(), Create(vocabulary, grammar));

    private static IntPtr Create(IntPtr vocabulary, GrammarConstraint grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        var sampler = string.IsNullOrWhiteSpace(grammar.Gbnf) ? IntPtr.Zero : Api.Value.Init(vocabulary, grammar.Gbnf, grammar.Root);
        return sampler != IntPtr.Zero
            ? sampler
            : throw new ConstraintRejectedException(
                $"llama.cpp could not parse the grammar (start rule '{grammar.Root}'): it is empty, not valid GBNF, or names an undefined rule.",
                "response_format");
    }

    private static Functions Load()
    {
        NativeApi.llama_empty_call();
        var path = LoadedNativeLibrary.Find("libllama")
            ?? throw new InvalidOperationException("libllama is not loaded in this process, so its grammar sampler cannot be reached.");
        var library = NativeLibrary.Load(path);
        T Export<T>(string name) => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name));
        return new Functions(
            Export<InitGrammar>("llama_sampler_init_grammar"),
            Export<ModelGetVocab>("llama_model_get_vocab"),
            Export<ChainAdd>("llama_sampler_chain_add"),
            Export<SamplerFree>("llama_sampler_free"));
    }

    private sealed record Functions(InitGrammar Init, ModelGetVocab GetVocab, ChainAdd Add, SamplerFree Free);
}
