using System.Globalization;

namespace Suite.ModelWorker.Backends.Sim;

/// <summary>
/// The built-in hardware profiles. Model-specific numbers are derived here, in code, from datasheet figures and stated
/// assumptions (so a changed input changes every derived number and its text together) for one reference model:
/// Llama-3-8B in BF16. The derivation is the usual roofline reading of LLM serving:
/// <list type="bullet">
/// <item>decode base = weight bytes / (memory bandwidth × achieved-bandwidth efficiency): every step reads all weights;</item>
/// <item>decode per sequence = KV bytes of one sequence at a 1,024-token average context / effective bandwidth
/// + 2 × parameters FLOPs / (peak FLOPS × compute efficiency);</item>
/// <item>prefill = peak FLOPS × compute efficiency / (2 × parameters) tokens/s (compute-bound);</item>
/// <item>KV capacity = (memory × 0.9 − weight bytes) / KV bytes per token (vLLM's default memory fraction).</item>
/// </list>
/// Efficiencies are assumptions, not measurements; every derived figure is marked <see cref="SourcedFigure.Estimate"/>.
/// See Profiles/README.md for the table.
/// </summary>
public static class SimulatedHardwareProfiles
{
    public const string ReferenceModel = "Llama-3-8B (8.03B parameters, BF16 weights and KV cache, GQA 8 KV heads)";

    // Llama-3-8B: 8.03e9 parameters × 2 bytes (BF16).
    private const double WeightBytes = 8.03e9 * 2;

    // Two FLOPs (multiply + add) per parameter per token.
    private const double FlopsPerToken = 2 * 8.03e9;

    // 32 layers × 8 KV heads × 128 head dim × 2 (K and V) × 2 bytes.
    private const double KvBytesPerToken = 32 * 8 * 128 * 2 * 2;

    private const double AverageContextTokens = 1024;
    private const double MemoryFraction = 0.9;

    private static readonly SourcedFigure ModelParameters = new(
        "reference model parameters", 8.03e9, "parameters",
        "Meta Llama 3 8B model card and Hugging Face meta-llama/Meta-Llama-3-8B (8.03B parameters); BF16 = 2 bytes each → 16.06 GB of weights.",
        Estimate: false);

    private static readonly SourcedFigure KvPerToken = new(
        "KV cache bytes per token", KvBytesPerToken, "bytes",
        "Derived from meta-llama/Meta-Llama-3-8B config.json (num_hidden_layers 32, num_key_value_heads 8, hidden_size 4096 / 32 heads = head_dim 128): 32 × 8 × 128 × 2 (K,V) × 2 bytes (BF16) = 131,072 B.",
        Estimate: false);

    private static readonly SourcedFigure AverageContext = new(
        "average context per running sequence", AverageContextTokens, "tokens",
        "Assumption of this simulator: decode per-sequence cost is taken at a 1,024-token average context (prompt + generated).",
        Estimate: true);

    private static readonly SourcedFigure MemoryUtilization = new(
        "memory fraction for weights + KV", MemoryFraction, "fraction",
        "vLLM engine argument gpu_memory_utilization, default 0.9 (vLLM documentation, Engine Arguments).",
        Estimate: false);

    private static readonly SourcedFigure VllmMaxBatch = new(
        "max batch", 256, "sequences",
        "vLLM engine argument max_num_seqs, default 256 (vLLM documentation, Engine Arguments); the vllm-ascend plugin uses the same engine arguments.",
        Estimate: false);

    /// <summary>NVIDIA H100 SXM5 80GB.</summary>
    public static SimulatedHardwareProfile H100Sxm { get; } = Accelerator(
        name: "h100-sxm",
        device: "NVIDIA H100 SXM 80GB",
        memory: new("device memory", 80, "GB",
            "NVIDIA H100 Tensor Core GPU datasheet (nvidia.com/en-us/data-center/h100): H100 SXM GPU memory 80 GB HBM3.", false),
        bandwidth: new("memory bandwidth", 3.35, "TB/s",
            "NVIDIA H100 Tensor Core GPU datasheet: H100 SXM GPU memory bandwidth 3.35 TB/s.", false),
        bf16: new("dense BF16 tensor throughput", 989.5, "TFLOPS",
            "NVIDIA H100 Tensor Core GPU datasheet: H100 SXM BF16 Tensor Core 1,979 TFLOPS with sparsity; dense = half = 989.5 TFLOPS.", false),
        bandwidthEfficiency: AcceleratorBandwidthEfficiency(),
        computeEfficiency: AcceleratorComputeEfficiency(),
        maxBatch: VllmMaxBatch,
        cost: new("cost per hour", 49.24 / 8, "USD/h",
            "CoreWeave on-demand list price for an 8× H100 SXM (HGX) node, $49.24/h (coreweave.com/pricing, 2024–2025) ÷ 8 GPUs = $6.155 per GPU-hour. Cross-check: AWS p5.48xlarge (8× H100) on-demand $98.32/h before AWS's June 2025 price cut. List prices change; verify before use.", false),
        notes: []);

    /// <summary>NVIDIA H200 141GB (SXM).</summary>
    public static SimulatedHardwareProfile H200 { get; } = Accelerator(
        name: "h200",
        device: "NVIDIA H200 SXM 141GB",
        memory: new("device memory", 141, "GB",
            "NVIDIA H200 Tensor Core GPU datasheet (nvidia.com/en-us/data-center/h200): H200 SXM GPU memory 141 GB HBM3e.", false),
        bandwidth: new("memory bandwidth", 4.8, "TB/s",
            "NVIDIA H200 Tensor Core GPU datasheet: H200 SXM GPU memory bandwidth 4.8 TB/s.", false),
        bf16: new("dense BF16 tensor throughput", 989.5, "TFLOPS",
            "NVIDIA H200 Tensor Core GPU datasheet: H200 SXM BF16 Tensor Core 1,979 TFLOPS with sparsity; dense = half = 989.5 TFLOPS (same compute as H100 SXM).", false),
        bandwidthEfficiency: AcceleratorBandwidthEfficiency(),
        computeEfficiency: AcceleratorComputeEfficiency(),
        maxBatch: VllmMaxBatch,
        cost: new("cost per hour", 50.44 / 8, "USD/h",
            "CoreWeave on-demand list price for an 8× H200 (HGX) node, $50.44/h (coreweave.com/pricing, 2024–2025) ÷ 8 GPUs = $6.305 per GPU-hour. List prices change; verify before use.", false),
        notes:
        [
            new("cross-check: MLPerf H200/H100 throughput ratio", 31712.0 / 21806.0, "ratio",
                "NVIDIA technical blog on MLPerf Inference v4.0 (March 2024): Llama 2 70B Offline, 8× H200 31,712 tokens/s vs 8× H100 21,806 tokens/s = 1.45×; the 4.8/3.35 = 1.43× bandwidth ratio that drives this profile's decode base is consistent. Not used in the timing model.", true),
        ]);

    /// <summary>Huawei Ascend 910B (64 GB), modelled as one 910C compute die.</summary>
    public static SimulatedHardwareProfile Ascend910B { get; } = Accelerator(
        name: "ascend-910b",
        device: "Huawei Ascend 910B 64GB",
        memory: new("device memory", 64, "GB",
            "Estimate: 64 GB HBM2e, the figure widely reported for Ascend 910B and equal to one Ascend 910C die in Zuo et al., 'Serving Large Language Models on Huawei CloudMatrix384', arXiv:2506.12708 (2025), which describes the 910C as two 910B-class dies. Huawei publishes no full 910B datasheet.", true),
        bandwidth: new("memory bandwidth", 1.6, "TB/s",
            "Estimate: 1.6 TB/s per die for the Ascend 910C in arXiv:2506.12708 (3.2 TB/s per two-die package), applied to the 910B as one die.", true),
        bf16: new("dense BF16 tensor throughput", 376, "TFLOPS",
            "Estimate: ~376 TFLOPS dense BF16/FP16 per die for the Ascend 910C in arXiv:2506.12708 (752 per package), applied to the 910B as one die; published 910B variants (910B1–B4) are reported at roughly 280–376 TFLOPS FP16, so this is the upper end.", true),
        bandwidthEfficiency: AcceleratorBandwidthEfficiency(),
        computeEfficiency: AcceleratorComputeEfficiency(),
        maxBatch: VllmMaxBatch,
        cost: new("cost per hour", 49.24 / 8 * (1.6 / 3.35), "USD/h",
            "Estimate, no public per-hour list price used: the H100 SXM price ($6.155/GPU-h, CoreWeave) scaled by the memory-bandwidth ratio 1.6 / 3.35, i.e. priced at parity per unit of decode throughput.", true),
        notes: []);

    /// <summary>Huawei Ascend 910C (two dies, 128 GB), serving one model across both dies.</summary>
    public static SimulatedHardwareProfile Ascend910C { get; } = Accelerator(
        name: "ascend-910c",
        device: "Huawei Ascend 910C 128GB",
        memory: new("device memory", 128, "GB",
            "Zuo et al., 'Serving Large Language Models on Huawei CloudMatrix384', arXiv:2506.12708 (2025): Ascend 910C package = two dies with 64 GB each, 128 GB in all.", false),
        bandwidth: new("memory bandwidth", 3.2, "TB/s",
            "arXiv:2506.12708: 1.6 TB/s per die, 3.2 TB/s per 910C package. Cross-check: SemiAnalysis 'Huawei AI CloudMatrix 384' (April 2025), 1,229 TB/s HBM bandwidth over 384 chips = 3.2 TB/s each.", false),
        bf16: new("dense BF16 tensor throughput", 752, "TFLOPS",
            "arXiv:2506.12708: ~376 TFLOPS dense BF16/FP16 per die, 752 per package. Cross-check: SemiAnalysis (April 2025), 300 PFLOPS dense BF16 over 384 chips = ~781 TFLOPS each.", false),
        bandwidthEfficiency: AcceleratorBandwidthEfficiency(),
        computeEfficiency: AcceleratorComputeEfficiency(),
        maxBatch: VllmMaxBatch,
        cost: new("cost per hour", 49.24 / 8 * (3.2 / 3.35), "USD/h",
            "Estimate, no public per-hour list price used: the H100 SXM price ($6.155/GPU-h, CoreWeave) scaled by the memory-bandwidth ratio 3.2 / 3.35, i.e. priced at parity per unit of decode throughput.", true),
        notes:
        [
            new("die-to-die overhead", 0, "ms",
                "Assumption: the two dies are treated as one device (tensor parallel 2) with no communication cost, so this profile is optimistic.", true),
        ]);

    /// <summary>A 32-core x86 server (one AMD EPYC 9354 socket, 12 channels DDR5-4800) running llama.cpp.</summary>
    public static SimulatedHardwareProfile Cpu32Core { get; } = Cpu();

    /// <summary>All built-in profiles.</summary>
    public static IReadOnlyList<SimulatedHardwareProfile> All { get; } = [H100Sxm, H200, Ascend910B, Ascend910C, Cpu32Core];

    /// <summary>The profile named <paramref name="name"/> (case-insensitive); throws naming the known ones.</summary>
    public static SimulatedHardwareProfile Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"Unknown simulated hardware profile '{name}'; known: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));
    }

    private static SourcedFigure AcceleratorBandwidthEfficiency() => new(
        "achieved memory-bandwidth efficiency", 0.7, "fraction",
        "Assumption: decode kernels reach ~70% of peak HBM bandwidth (a common rule of thumb for well-tuned GPU/NPU serving stacks); not a measurement of any device here.",
        Estimate: true);

    private static SourcedFigure AcceleratorComputeEfficiency() => new(
        "achieved compute efficiency (MFU) in prefill", 0.5, "fraction",
        "Assumption: prefill reaches ~50% of dense peak FLOPS; not a measurement of any device here.",
        Estimate: true);

    private static SimulatedHardwareProfile Accelerator(
        string name,
        string device,
        SourcedFigure memory,
        SourcedFigure bandwidth,
        SourcedFigure bf16,
        SourcedFigure bandwidthEfficiency,
        SourcedFigure computeEfficiency,
        SourcedFigure maxBatch,
        SourcedFigure cost,
        IReadOnlyList<SourcedFigure> notes)
    {
        var bytesPerSecond = bandwidth.Value * 1e12 * bandwidthEfficiency.Value;
        var flopsPerSecond = bf16.Value * 1e12 * computeEfficiency.Value;
        return Build(
            name, device, $"{memory.Value:0} GB, {bandwidth.Value} TB/s, {bf16.Value} TFLOPS BF16",
            memoryBytes: memory.Value * 1e9, bytesPerSecond, flopsPerSecond,
            kvCapacity: null, maxBatch, cost,
            [memory, bandwidth, bf16, bandwidthEfficiency, computeEfficiency, .. notes]);
    }

    private static SimulatedHardwareProfile Cpu()
    {
        var bandwidth = new SourcedFigure("memory bandwidth", 460.8, "GB/s",
            "AMD EPYC 9354 product page (amd.com): 32 cores, 12 channels DDR5-4800, per-socket memory bandwidth 460.8 GB/s.", false);
        var fp32 = new SourcedFigure("peak FP32 throughput", 32 * 3.25 * 32 / 1000, "TFLOPS",
            "Derived: 32 cores × 3.25 GHz base clock (AMD EPYC 9354 product page) × 32 FP32 FLOPs/cycle (Zen 4: two 256-bit FMA pipes, AMD Zen 4 software optimization guide) = 3.33 TFLOPS; llama.cpp computes BF16 weights in FP32.", true);
        var bandwidthEfficiency = new SourcedFigure("achieved memory-bandwidth efficiency", 0.6, "fraction",
            "Assumption: llama.cpp token generation reaches ~60% of peak DRAM bandwidth on a multi-channel server socket; not a measurement.", true);
        var computeEfficiency = new SourcedFigure("achieved compute efficiency in prefill", 0.3, "fraction",
            "Assumption: llama.cpp prompt processing reaches ~30% of peak FP32 FLOPS on CPU; not a measurement.", true);
        var kvBudget = new SourcedFigure("KV cache budget", 32, "GiB",
            "Assumption: 32 GiB of host RAM set aside for the KV cache (a configuration choice, not a hardware limit).", true);
        var maxBatch = new SourcedFigure("max batch", 16, "sequences",
            "Assumption: 16 parallel slots (llama.cpp server --parallel is configured, not fixed); beyond this the per-sequence compute term dominates and latency grows linearly.", true);
        var cost = new SourcedFigure("cost per hour", 1.85472, "USD/h",
            "AWS EC2 on-demand price of m7a.8xlarge (32 vCPU = 32 physical 4th-gen EPYC cores, SMT off on M7a), $1.85472/h in us-east-1 (aws.amazon.com/ec2/pricing/on-demand). A proxy: that instance is a slice of a larger socket, so its memory bandwidth is lower than a dedicated EPYC 9354's.", false);
        var bytesPerSecond = bandwidth.Value * 1e9 * bandwidthEfficiency.Value;
        var flopsPerSecond = fp32.Value * 1e12 * computeEfficiency.Value;
        return Build(
            "cpu-32c", "32-core x86 server (AMD EPYC 9354, 12× DDR5-4800)", "460.8 GB/s, 3.33 TFLOPS FP32",
            memoryBytes: 0, bytesPerSecond, flopsPerSecond,
            kvCapacity: kvBudget.Value * 1024 * 1024 * 1024 / KvBytesPerToken, maxBatch, cost,
            [bandwidth, fp32, bandwidthEfficiency, computeEfficiency, kvBudget]);
    }

    private static SimulatedHardwareProfile Build(
        string name,
        string device,
        string hardware,
        double memoryBytes,
        double bytesPerSecond,
        double flopsPerSecond,
        double? kvCapacity,
        SourcedFigure maxBatch,
        SourcedFigure cost,
        IReadOnlyList<SourcedFigure> inputs)
    {
        var effective = $"effective {Format(bytesPerSecond / 1e12, "0.###")} TB/s and {Format(flopsPerSecond / 1e12, "0.#")} TFLOPS ({hardware} × the efficiency assumptions)";
        var baseMs = WeightBytes / bytesPerSecond * 1000;
        var kvMs = AverageContextTokens * KvBytesPerToken / bytesPerSecond * 1000;
        var computeMs = FlopsPerToken / flopsPerSecond * 1000;
        var prefill = flopsPerSecond / FlopsPerToken;
        var capacity = kvCapacity ?? ((memoryBytes * MemoryFraction) - WeightBytes) / KvBytesPerToken;
        var capacitySource = kvCapacity is null
            ? $"Estimate: ({Format(memoryBytes / 1e9, "0")} GB × {MemoryFraction} − 16.06 GB weights) / 131,072 B per token = {Format(capacity, "N0")} tokens."
            : $"Estimate: KV cache budget / 131,072 B per token = {Format(capacity, "N0")} tokens.";
        return new SimulatedHardwareProfile
        {
            Name = name,
            Device = device,
            ReferenceModel = ReferenceModel,
            PrefillTokensPerSecond = new("prefill throughput", Math.Round(prefill), "tokens/s",
                $"Estimate (compute-bound): {effective}; {Format(flopsPerSecond / 1e12, "0.#")} TFLOPS / 16.06 GFLOP per token (2 × 8.03B parameters) = {Format(prefill, "N0")} tokens/s.",
                Estimate: true),
            DecodeBaseMilliseconds = new("decode step base", Math.Round(baseMs, 3), "ms",
                $"Estimate (bandwidth-bound): 16.06 GB of BF16 weights read once per step / {effective} = {Format(baseMs, "0.###")} ms.",
                Estimate: true),
            DecodePerSequenceMilliseconds = new("decode step per sequence", Math.Round(kvMs + computeMs, 4), "ms",
                $"Estimate: KV reads {Format(AverageContextTokens, "N0")} tokens × 131,072 B at the effective bandwidth = {Format(kvMs, "0.####")} ms, plus 16.06 GFLOP at the effective compute = {Format(computeMs, "0.####")} ms; {effective}.",
                Estimate: true),
            KvCapacityTokens = new("KV cache capacity", Math.Floor(capacity), "tokens", capacitySource, Estimate: true),
            MaxBatch = maxBatch,
            CostPerHourUsd = cost with { Value = Math.Round(cost.Value, 4) },
            Inputs = [ModelParameters, KvPerToken, AverageContext, .. (kvCapacity is null ? [MemoryUtilization] : Array.Empty<SourcedFigure>()), .. inputs],
        };
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
