using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>
/// <c>engine</c> of a prediction config: a name or a block. <c>torch</c> (the default) runs the extractor block in
/// TorchSharp; <c>{name: onnxruntime, args: {model, threads}}</c> runs an ONNX model in ONNX Runtime: <c>model</c> an
/// exported .onnx (<c>oml export</c>), or null to export the extractor block to <c>save_dir/extractor.onnx</c> first;
/// <c>threads</c> null for TorchSharp's thread count. <c>engine=onnxruntime</c> on the command line takes the built-in
/// block (model null).
/// </summary>
public sealed record InferenceEngineSettings(InferenceEngine Engine, string? Model = null, int? Threads = null)
{
    public const string Key = "engine";

    public static InferenceEngineSettings Torch { get; } = new(InferenceEngine.Torch);

    public static InferenceEngineSettings Read(BlockArgs root)
    {
        var block = root.GetBlock(Key);
        if (block is null) return Torch;
        var args = block.CreateArgs();
        InferenceEngineSettings settings;
        switch (block.Name)
        {
            case "torch":
                settings = Torch;
                break;
            case "onnxruntime":
                var threads = args.GetNullableInt("threads");
                if (threads is < 1) throw BlockArgs.WrongType(args.KeyPath("threads"), threads, "a positive number of threads, or null");
                settings = new InferenceEngineSettings(InferenceEngine.OnnxRuntime, args.GetNullableString("model"), threads);
                break;
            default:
                throw new OmlException($"{Key} = {block.Name} is not valid{NameSuggestions.DidYouMean(block.Name, ["torch", "onnxruntime"])}: expected torch (TorchSharp) or onnxruntime (ONNX Runtime)");
        }
        args.EnsureAllKeysUsed($"{Key} ({block.Name})");
        return settings;
    }

    /// <summary>The config key that names the ONNX model, for messages.</summary>
    public const string ModelKey = Key + ".args.model";
}
