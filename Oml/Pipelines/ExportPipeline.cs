using System.Text.Json;
using Oml.Onnx;
using Oml.Runtime;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// <c>oml export</c>: builds the extractor of a checkpoint or a config as training, validation and prediction build it,
/// and writes it to ONNX with <see cref="OnnxExport"/> (checked by ONNX Runtime against the TorchSharp forward, the
/// transform's preprocessing in the metadata, with the extractor block and where its weights came from).
/// </summary>
public static class ExportPipeline
{
    /// <summary>
    /// The same from a notebook or a program: <c>ExportPipeline.Run("logs/mock/run/checkpoints/best.ckpt", "model.onnx")</c>,
    /// or a config with <c>key.path=value</c> overrides.
    /// </summary>
    public static OnnxExportResult Run(string source, string onnxPath, params string[] overrides) =>
        Run(ExportPipelineConfig.Load(source, onnxPath, overrides) with { OnnxPathName = "the ONNX path" });

    public static OnnxExportResult Run(ExportPipelineConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        TorchRuntime.EnsureLoaded();
        PipelineParts.ThrowIfInputsMissing(null, config.Extractor, config.Transform is null ? [] : [config.Transform]);
        var transform = config.Transform is null ? null : PipelineParts.Transform(config.Transform);
        if (transform is { IsRandom: true })
        {
            throw new OmlException($"{config.Transform!.Path} = {config.Transform.Name} is a random training augmentation; the exported model needs the " +
                                   "transform that prepares images for inference (e.g. norm_resize_torch), which its metadata states");
        }
        using var extractor = PipelineParts.Extractor(config.Extractor, CPU);
        var options = new OnnxExportOptions
        {
            ImageSize = config.ImageSize,
            Transform = transform,
            TransformName = config.Transform?.Name,
            TransformArgs = config.Transform?.Args,
            Tolerance = config.Tolerance,
            PathName = config.OnnxPathName,
            Metadata = Provenance(config),
        };
        var result = OnnxExport.Export(extractor, config.OnnxPath, options);
        return result with { Notes = [.. config.Notes, .. result.Notes] };
    }

    private static Dictionary<string, string> Provenance(ExportPipelineConfig config)
    {
        var block = new Dictionary<string, object?> { ["name"] = config.Extractor.Name, ["args"] = config.Extractor.Args };
        var metadata = new Dictionary<string, string> { [OnnxMetadataKeys.Extractor] = JsonSerializer.Serialize(block) };
        if (config.Extractor.Args.GetValueOrDefault("weights") is string weights) metadata[OnnxMetadataKeys.Weights] = weights;
        return metadata;
    }
}
